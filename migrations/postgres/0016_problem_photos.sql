-- Photos also come with delivery-problem reports, so the claims' photo table becomes the
-- shop's one table of shopper photos: a photo belongs to its draft until a claim (claim_id)
-- or a ticket (ticket_id) takes it, never both.

ALTER TABLE claim_photos RENAME TO photos;
ALTER TABLE photos ADD COLUMN ticket_id BIGINT REFERENCES tickets (id) ON DELETE CASCADE;
ALTER TABLE photos ADD CONSTRAINT photos_one_owner CHECK (claim_id IS NULL OR ticket_id IS NULL);
CREATE INDEX photos_by_ticket ON photos (ticket_id, seq);
