UPDATE configs SET value = 'https://api.alpaca.markets' WHERE key = 'connection.alpaca_base_url';
UPDATE configs SET value = '7496' WHERE key = 'connection.ib_port' AND account = 2;
