-- Staff forms that must take effect once (app/src/forms/once.rs): each submission carries a
-- random key, kept here in the same transaction as its change, so a replayed or double-sent
-- form is refused instead of applied again. `at` is unix seconds.
CREATE TABLE form_submissions (
    key TEXT    PRIMARY KEY,
    at  INTEGER NOT NULL
);
