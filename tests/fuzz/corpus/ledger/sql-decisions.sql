INSERT INTO decisions (account, symbol, side, confidence, reasoning, take_profit) VALUES ('alpha', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123', 'buy', 0.5, 'x' || char(27) || char(13), 1e308);
INSERT INTO decisions (account, symbol, side, confidence, created_ts) VALUES ('alpha', 'ÄÖÜÄÖÜÄÖÜÄÖÜÄÖÜÄÖÜÄÖÜÄÖÜÄÖÜ', 'sell', 1, -9223372036854775808);
UPDATE decisions SET status = 'executed', order_id = -1 WHERE id = 1;
