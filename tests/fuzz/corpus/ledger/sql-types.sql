UPDATE position_state SET qty_e8 = 'abc';
UPDATE account_state SET cash_e8 = 1e300, fills = -1;
UPDATE order_state SET limit_e8 = NULL;
