DROP TRIGGER events_append_only_u;
UPDATE events SET qty_e8 = qty_e8 * 1000, price_e8 = price_e8 / 3 WHERE type = 6;
UPDATE events SET cash_e8 = cash_e8 + 1 WHERE type = 8;
