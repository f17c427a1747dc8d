-- 0002: a run recorded while it is judged (check --history FILE.db) is
-- written in pieces; complete is 0 until its last piece is in, and readers
-- see complete runs only. Runs recorded earlier were written whole.
ALTER TABLE runs ADD COLUMN complete INTEGER NOT NULL DEFAULT 1;
CREATE INDEX runs_complete ON runs (complete, recorded_at);
