-- A second deterministic sqlite3 workload, unlike sqlite.sql in what it stresses (updates,
-- deletes, triggers, text functions, full-text search, a large sort), for checking whether choices
-- `rl4real tune` made on sqlite.sql hold on another input (docs/training.md).
.mode list
CREATE TABLE doc(id INTEGER PRIMARY KEY, title TEXT, body TEXT, score INTEGER);
CREATE TABLE log(n INTEGER, what TEXT);
CREATE TRIGGER doc_upd AFTER UPDATE OF score ON doc BEGIN
  INSERT INTO log VALUES (new.id, 'score ' || old.score || '->' || new.score); END;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
INSERT INTO doc SELECT i, 'title ' || (i * 48271 % 2147483647 % 5000),
       replace(printf('%08x-%08x-%d', i * 69069, i * 1103515245 % 4294967296, i % 97), '0', ' zero '),
       (i * 16807) % 1000 FROM n;
UPDATE doc SET score = score + 1 WHERE id % 13 = 0;
DELETE FROM doc WHERE id % 17 = 0;
SELECT count(*), sum(length(body)), count(DISTINCT title) FROM doc;
SELECT title, count(*), group_concat(id % 10, '') FROM doc WHERE title GLOB 'title 4*'
  GROUP BY title ORDER BY count(*) DESC, title LIMIT 20;
SELECT upper(substr(body, 3, 9)), instr(body, 'zero'), score FROM doc
  ORDER BY body DESC, id LIMIT 25;
CREATE VIRTUAL TABLE ft USING fts5(title, body);
INSERT INTO ft SELECT title, body FROM doc WHERE id % 3 = 0;
SELECT count(*) FROM ft WHERE ft MATCH 'zero';
SELECT count(*), min(rowid), max(rowid) FROM ft WHERE ft MATCH 'title AND 42*';
SELECT count(*), max(what) FROM log;
SELECT score / 100, count(*), round(avg(length(title)), 4) FROM doc GROUP BY 1 ORDER BY 1;
