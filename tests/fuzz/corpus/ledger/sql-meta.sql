UPDATE meta SET value = 'something-else' WHERE key = 'format';
