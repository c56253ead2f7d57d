package org.amihes.polling.schedules;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.amihes.polling.registry.MeterView;
import org.amihes.service.registry.MeterGroup;
import org.amihes.service.rest.Problem;
import org.amihes.service.rest.ProblemException;

/**
 * A schedule's meter group (service-commons {@link MeterGroup}) against polling-service's view of the registry
 * ({@code polling.meter}): checked when a schedule is written (a filter no meter matches, unknown meter ids, empty
 * list: specific 4xx) and resolved to meter ids at each fire (a filter follows the registry as it changes).
 */
@ApplicationScoped
public class MeterGroups {

    private final Pool pool;
    private final MeterView view;

    public MeterGroups(Pool pool, MeterView view) {
        this.pool = pool;
        this.view = view;
    }

    /** Fails with the problem that makes the group unusable; completes when every meter of it is known. */
    public Uni<Void> check(MeterGroup group) {
        String shape = group.shapeProblem();
        if (shape != null) {
            throw ProblemException.invalidRequest("group", shape);
        }
        if (!group.explicit()) {
            return view.anyMatching(group).invoke(known -> {
                if (!known) {
                    throw new ProblemException(Problem.ofField(Problem.Type.UNKNOWN_GROUP,
                            group.vendor() != null ? "group.vendor" : "group.tags", "no registered meter"
                                    + (group.vendor() != null ? " has vendor '" + group.vendor() + "'" : "")
                                    + (group.tags() != null ? (group.vendor() != null ? " and" : "") + " carries tags "
                                    + group.tags() : "")));
                }
            }).replaceWithVoid();
        }
        List<String> ids = group.meterIds();
        if (ids.isEmpty()) {
            throw new ProblemException(Problem.ofField(Problem.Type.EMPTY_GROUP, "group.meterIds",
                    "lists no meter: a schedule needs at least one"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            if (!seen.add(ids.get(i))) {
                throw ProblemException.invalidRequest("group.meterIds[" + i + "]", "lists '" + ids.get(i) + "' twice");
            }
        }
        return pool.preparedQuery("SELECT i FROM unnest($1::text[]) AS t(i) EXCEPT SELECT meter_id FROM polling.meter")
                .execute(Tuple.of(ids.toArray(String[]::new)))
                .invoke(rows -> {
                    if (rows.size() == 0) {
                        return;
                    }
                    Set<String> unknown = new HashSet<>();
                    rows.forEach(r -> unknown.add(r.getString(0)));
                    List<Problem.FieldError> errors = new ArrayList<>();
                    for (int i = 0; i < ids.size() && errors.size() < 100; i++) {
                        if (unknown.contains(ids.get(i))) {
                            errors.add(new Problem.FieldError("group.meterIds[" + i + "]",
                                    "meter '" + ids.get(i) + "' is not registered"));
                        }
                    }
                    throw ProblemException.of(Problem.Type.UNKNOWN_GROUP, unknown.size() + " of the listed meters are "
                            + "not registered" + (unknown.size() > 100 ? " (the first 100 named)" : ""), errors);
                }).replaceWithVoid();
    }

    /** The group's meters now (in the caller's transaction). */
    public Uni<List<String>> resolve(SqlClient client, StoredSchedule s) {
        if (s.group().explicit()) {
            return Uni.createFrom().item(s.group().meterIds());
        }
        return view.matching(client, s.group());
    }
}
