DROP VIEW portfolio;
DROP VIEW open_positions;
DROP TABLE marks;
