package org.amihes.association.domain;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import org.amihes.contracts.JobPriority;

/**
 * What waits, one queue per {@link JobPriority}: taken most urgent first, oldest first within one priority. Not
 * thread-safe: its owner ({@link Admission}, {@link JobWindow}) guards it.
 */
final class ByPriority<T> {

    private final List<Queue<T>> queues = new ArrayList<>();
    private int size;

    ByPriority() {
        for (int i = 0; i < JobPriority.values().length; i++) {
            queues.add(new ArrayDeque<>());
        }
    }

    void add(JobPriority priority, T item) {
        queues.get(priority.ordinal()).add(item);
        size++;
    }

    /** The next to be taken, or null when nothing waits. */
    T peek() {
        for (Queue<T> q : queues) {
            if (!q.isEmpty()) {
                return q.peek();
            }
        }
        return null;
    }

    /** Takes the next one, or null when nothing waits. */
    T poll() {
        for (Queue<T> q : queues) {
            if (!q.isEmpty()) {
                size--;
                return q.poll();
            }
        }
        return null;
    }

    int size() {
        return size;
    }

    /** Everything that waits, in the order it would have been taken; nothing waits afterwards. */
    List<T> drain() {
        List<T> all = new ArrayList<>(size);
        queues.forEach(q -> {
            all.addAll(q);
            q.clear();
        });
        size = 0;
        return all;
    }
}
