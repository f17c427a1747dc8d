-- 0001: runs, snapshots, results and waivers (supaudit history schema v1).
-- The same statements run on SQLite and PostgreSQL: only portable types
-- (TEXT, INTEGER, BIGINT), no engine-generated keys. Times are Unix
-- milliseconds (UTC).
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  generated_at BIGINT NOT NULL,
  recorded_at BIGINT NOT NULL,
  tool_name TEXT NOT NULL,
  tool_version TEXT NOT NULL,
  fail_on TEXT NOT NULL,
  failed INTEGER NOT NULL,
  sites INTEGER NOT NULL,
  ready INTEGER NOT NULL,
  n_fail INTEGER NOT NULL,
  n_unknown INTEGER NOT NULL,
  n_warn INTEGER NOT NULL,
  n_manual INTEGER NOT NULL,
  n_not_applicable INTEGER NOT NULL,
  n_pass INTEGER NOT NULL,
  n_waived INTEGER NOT NULL,
  errors TEXT NOT NULL
);
CREATE INDEX runs_time ON runs (generated_at);
CREATE TABLE snapshots (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  id TEXT NOT NULL,
  site TEXT NOT NULL,
  file TEXT NOT NULL,
  ready INTEGER NOT NULL,
  n_fail INTEGER NOT NULL,
  n_unknown INTEGER NOT NULL,
  n_warn INTEGER NOT NULL,
  n_manual INTEGER NOT NULL,
  n_not_applicable INTEGER NOT NULL,
  n_pass INTEGER NOT NULL,
  n_waived INTEGER NOT NULL,
  PRIMARY KEY (run_id, ord)
);
CREATE INDEX snapshots_site ON snapshots (site, run_id);
CREATE INDEX snapshots_id ON snapshots (id, run_id);
CREATE TABLE results (
  run_id TEXT NOT NULL,
  snap_ord INTEGER NOT NULL,
  ord INTEGER NOT NULL,
  step TEXT NOT NULL,
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  severity TEXT NOT NULL,
  subject TEXT NOT NULL,
  message TEXT NOT NULL,
  remediation TEXT NOT NULL,
  more_information TEXT NOT NULL,
  waiver TEXT NOT NULL,
  PRIMARY KEY (run_id, snap_ord, ord),
  FOREIGN KEY (run_id, snap_ord) REFERENCES snapshots (run_id, ord) ON DELETE CASCADE
);
CREATE INDEX results_step ON results (step, run_id);
CREATE TABLE waivers (
  run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  ord INTEGER NOT NULL,
  step TEXT NOT NULL,
  subject TEXT NOT NULL,
  snapshot TEXT NOT NULL,
  reason TEXT NOT NULL,
  approved_by TEXT NOT NULL,
  expires TEXT NOT NULL,
  used INTEGER NOT NULL,
  PRIMARY KEY (run_id, ord)
);
CREATE INDEX waivers_expires ON waivers (expires);
