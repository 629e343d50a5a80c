DROP TRIGGER events_append_only_u;
UPDATE events SET symbol = NULL WHERE symbol = 'AAPL';
UPDATE events SET symbol = 'MSFT' || char(27) || '[31m' WHERE symbol = 'BTC-USD';
