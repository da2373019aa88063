-- "A worker is putting this delivery on the wire and has recorded no answer yet": written just before a send of a
-- delivery with on_ambiguous = GIVE_UP and cleared by every later write. A worker that claims a row still marked so
-- knows its previous owner stopped mid-send (it may have arrived), and fails it as ambiguous instead of sending twice.
-- Before this column the mark was a fixed last_error text; rows still carrying it are converted.
ALTER TABLE delivery ADD COLUMN send_started boolean NOT NULL DEFAULT false;

UPDATE delivery
   SET send_started = true
 WHERE status = 'IN_FLIGHT' AND last_error = 'send started; no answer recorded yet';

COMMENT ON COLUMN delivery.send_started IS 'a GIVE_UP delivery is on the wire with no answer recorded yet';

-- Retention: finished rows older than the engine's finishedRetention are deleted in batches, oldest first
-- (DeliveryMapper.purgeFinished); this index is the range that walk reads.
CREATE INDEX delivery_finished_idx ON delivery ((coalesce(delivered_at, failed_at, cancelled_at)))
    WHERE status IN ('DELIVERED', 'FAILED', 'CANCELLED');
