package org.amihes.simulator;

import gurux.dlms.enums.DataType;
import java.time.Instant;
import java.util.List;

/**
 * The buffer of a profile generic computed on demand: rows in capture order (oldest first, entry 1) inside a
 * bounded window ending now. Nothing is stored; each read computes just the rows it returns.
 */
interface ProfileRows {

    /** COSEM type of each column, in capture-object order (date-times are octet-strings holding a GXDateTime). */
    DataType[] columnTypes();

    /** profile_entries: how many rows the buffer can hold. */
    long capacity();

    /** entries_in_use at {@code now}. */
    long entriesInUse(Instant now);

    /** Entries {@code first..last} (1-based, inclusive, already clamped to the entries in use). */
    List<Object[]> byEntry(long first, long last, Instant now);

    /** Rows captured within {@code from..to} (inclusive). */
    List<Object[]> byRange(Instant from, Instant to, Instant now);
}
