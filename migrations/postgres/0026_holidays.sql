-- The shop's public holidays (app/src/calendar): days it neither dispatches nor counts as
-- business days. `day` is the shop's calendar date, YYYY-MM-DD.
CREATE TABLE holidays (
    day  TEXT PRIMARY KEY,
    name TEXT NOT NULL
);
