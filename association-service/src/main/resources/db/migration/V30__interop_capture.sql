-- The pcap of one meter's traffic during an interoperability run started with capture: true (bounded by
-- hes.interop.capture-max-bytes; dropped_packets counts the packets left out past the bound).
CREATE TABLE interop_capture (
    run_id           UUID        NOT NULL REFERENCES interop_run (run_id) ON DELETE CASCADE,
    meter_id         VARCHAR(64) NOT NULL,
    pcap             BYTEA       NOT NULL,
    dropped_packets  BIGINT      NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, meter_id)
);
