-- The ledger of personal-data requests: every removal and export the gateway decides to send, one
-- row per id, written before any token request or Graph call and completed after.
-- Never stored here: tokens or secrets, the query string of an export's storage location, display names.

CREATE TABLE personal_data_requests (
  id                        uuid PRIMARY KEY,
  operation                 text NOT NULL CHECK (operation IN ('REMOVE_OUTBOUND', 'REMOVE_INBOUND', 'EXPORT_INBOUND')),
  user_id                   text NOT NULL,             -- whose data (a GUID, lower case)
  tenant_id                 text,                      -- a tenant-scoped outbound removal
  batch_id                  uuid,                      -- set when it came from a bulk mutation
  requester_kind            text NOT NULL CHECK (requester_kind IN ('USER', 'APPLICATION')),
  requester_id              text NOT NULL,             -- the caller's oid
  requester_tenant_id       text NOT NULL,
  requester_client_id       text,
  requested_at              timestamptz NOT NULL,
  due_at                    timestamptz NOT NULL,      -- requested_at plus one calendar month (GDPR art. 12(3))
  status                    text NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'SUCCEEDED', 'FAILED')),
  attempts                  integer NOT NULL DEFAULT 0,
  next_attempt_at           timestamptz NOT NULL,
  leased_by                 text,                      -- the process sending it now
  leased_until              timestamptz,
  completed_at              timestamptz,
  error_code                text,                      -- the last error, a contract code
  error_message             text,
  error_retry_after_seconds integer,
  upstream_request_id       text,                      -- Graph's request-id of the settling exchange
  export_storage            text,                      -- scheme, host and path of storageLocation: never its query
  export_location           text,                      -- Graph's Location: the dataPolicyOperation
  export_status             text CHECK (export_status IN ('NOT_STARTED', 'RUNNING', 'COMPLETE', 'FAILED', 'UNKNOWN')),
  export_completed_at       timestamptz,
  export_polls              integer NOT NULL DEFAULT 0,
  export_next_poll_at       timestamptz
);

-- The worker's claim: pending requests whose next attempt is due.
CREATE INDEX personal_data_requests_pending ON personal_data_requests (next_attempt_at) WHERE status = 'PENDING';
-- The export tracker's claim.
CREATE INDEX personal_data_requests_export_polls ON personal_data_requests (export_next_poll_at)
  WHERE export_next_poll_at IS NOT NULL;
-- Listings, newest first, and their filters.
CREATE INDEX personal_data_requests_newest ON personal_data_requests (requested_at DESC, id DESC);
CREATE INDEX personal_data_requests_batch ON personal_data_requests (batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX personal_data_requests_user ON personal_data_requests (user_id);
CREATE INDEX personal_data_requests_requester ON personal_data_requests (requester_id);
-- Retention.
CREATE INDEX personal_data_requests_settled ON personal_data_requests (completed_at) WHERE status <> 'PENDING';

-- One row per upstream exchange of a request (a send, or a poll of an export's operation).
CREATE TABLE personal_data_request_attempts (
  request_id          uuid NOT NULL REFERENCES personal_data_requests (id) ON DELETE CASCADE,
  attempt             integer NOT NULL,
  kind                text NOT NULL CHECK (kind IN ('SEND', 'POLL')),
  attempted_at        timestamptz NOT NULL,
  sent_by             text NOT NULL,                   -- the process that made it
  answered_at         timestamptz,
  http_status         integer,
  upstream_request_id text,
  client_request_id   uuid,
  error_code          text,
  PRIMARY KEY (request_id, kind, attempt)
);

-- Idempotency-Key: the first answer's requests, per caller and key.
CREATE TABLE idempotency_keys (
  caller      text NOT NULL,                           -- tenant and oid of the caller
  key         text NOT NULL,
  fingerprint text NOT NULL,                           -- SHA-256 of the operation and its arguments
  batch_id    uuid,
  results     jsonb NOT NULL,                          -- per requested id: its request, or why it was refused
  created_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL,
  PRIMARY KEY (caller, key)
);
CREATE INDEX idempotency_keys_expiry ON idempotency_keys (expires_at);
