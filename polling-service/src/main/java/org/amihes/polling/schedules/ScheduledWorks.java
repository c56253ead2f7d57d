package org.amihes.polling.schedules;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Map;
import java.util.TreeMap;
import org.amihes.service.rest.ProblemException;

/** Every {@link ScheduledWork} bean by its kind. */
@ApplicationScoped
public class ScheduledWorks {

    private final Map<String, ScheduledWork> byKind = new TreeMap<>();

    public ScheduledWorks(Instance<ScheduledWork> works) {
        works.forEach(w -> {
            if (byKind.put(w.kind(), w) != null) {
                throw new IllegalStateException("two scheduled works of kind " + w.kind());
            }
        });
    }

    public ScheduledWork of(String kind) {
        ScheduledWork w = byKind.get(kind);
        if (w == null) {
            throw ProblemException.invalidField("job.kind", "'" + kind + "' is not a kind of scheduled work; one of "
                    + byKind.keySet());
        }
        return w;
    }
}
