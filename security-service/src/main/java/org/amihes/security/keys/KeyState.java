package org.amihes.security.keys;

/** Life of a key version: PENDING until a new association confirmed it, then ACTIVE, then RETIRED (kept forever). */
public enum KeyState { PENDING, ACTIVE, RETIRED }
