package org.amihes.interop;

/** A case's outcome. SKIPPED always carries the precise reason the case could not be run; it never counts as a pass. */
public enum Verdict { PASS, FAIL, SKIPPED }
