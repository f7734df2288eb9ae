-- A deterministic SQL workload for differential testing of the sqlite3 shell (no random or time
-- functions): tables, indexes, joins, aggregates, window functions, recursive CTEs, JSON, strings.
.mode list
.headers on
CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE emp(id INTEGER PRIMARY KEY, dept INTEGER REFERENCES dept(id), name TEXT,
                 salary REAL, boss INTEGER);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12)
INSERT INTO dept SELECT i, 'dept-' || printf('%02d', i) FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
INSERT INTO emp SELECT i, 1 + (i * 7919) % 12, 'e' || hex(i * 2654435761 % 1000003),
       1000 + ((i * 104729) % 9000) / 3.0, CASE WHEN i > 12 THEN 1 + (i * 31) % (i - 1) END FROM n;
CREATE INDEX emp_dept ON emp(dept, salary);
SELECT d.name, count(*), round(avg(e.salary), 3), min(e.salary), max(e.name)
  FROM emp e JOIN dept d ON d.id = e.dept GROUP BY d.id ORDER BY d.name;
SELECT dept, name, salary, rank() OVER (PARTITION BY dept ORDER BY salary DESC, id) AS r,
       round(sum(salary) OVER (PARTITION BY dept ORDER BY id ROWS 3 PRECEDING), 2) AS s
  FROM emp WHERE id % 997 = 0 ORDER BY dept, r;
WITH RECURSIVE chain(id, depth) AS (SELECT 20000, 0 UNION ALL
  SELECT e.boss, c.depth + 1 FROM emp e JOIN chain c ON e.id = c.id WHERE e.boss IS NOT NULL)
SELECT max(depth), count(*) FROM chain;
SELECT json_group_array(json_object('d', dept, 'n', c)) FROM
  (SELECT dept, count(*) AS c FROM emp WHERE salary > 3500 GROUP BY dept);
SELECT upper(substr(name, 2, 4)), length(name), instr(name, 'A'), replace(name, '1', '_')
  FROM emp WHERE id BETWEEN 100 AND 110;
UPDATE emp SET salary = salary * 1.05 WHERE dept IN (SELECT id FROM dept WHERE name LIKE '%3');
DELETE FROM emp WHERE id % 13 = 0;
SELECT count(*), round(total(salary), 2), group_concat(DISTINCT dept) FROM emp;
SELECT a.dept, b.dept, count(*) FROM emp a JOIN emp b ON a.boss = b.id
  WHERE a.id % 50 = 0 GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 15;
CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(body);
INSERT INTO docs SELECT 'alpha ' || name || ' beta ' || dept FROM emp WHERE id % 40 = 1;
SELECT count(*) FROM docs WHERE docs MATCH 'alpha AND beta';
SELECT printf('%.3e|%5d|%-8s|%x', salary, id, name, id * 17) FROM emp ORDER BY salary DESC LIMIT 5;
PRAGMA integrity_check;
