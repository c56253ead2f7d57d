package org.amihes.bench;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/** {@code name=value} command-line arguments; an unknown name is an error that lists the known ones. */
final class Args {

    private Args() {
    }

    static Map<String, String> parse(String[] args, Collection<String> known) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected name=value, got '" + a + "'; known: " + new TreeSet<>(known));
            }
            String name = a.substring(0, eq);
            if (!known.contains(name)) {
                throw new IllegalArgumentException("unknown option '" + name + "'; known: " + new TreeSet<>(known));
            }
            opts.put(name, a.substring(eq + 1));
        }
        return opts;
    }

    static String required(Map<String, String> opts, String name) {
        String v = opts.get(name);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException(name + "= is required");
        }
        return v;
    }
}
