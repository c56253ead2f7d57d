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
import org.amihes.service.rest.Problem;
import org.amihes.service.rest.ProblemException;

/**
 * A schedule's meter group against polling-service's view of the registry ({@code polling.meter}): checked when a
 * schedule is written (unknown vendor, unknown meter ids, empty list: specific 4xx) and resolved to meter ids at each
 * fire (a vendor group follows the registry as it changes).
 */
@ApplicationScoped
public class MeterGroups {

    private final Pool pool;

    public MeterGroups(Pool pool) {
        this.pool = pool;
    }

    /** Fails with the problem that makes the group unusable; completes when every meter of it is known. */
    public Uni<Void> check(ScheduleSpec.Group group) {
        boolean byVendor = group.vendor() != null;
        if (byVendor == (group.meterIds() != null)) {
            throw ProblemException.invalidRequest("group", "give either 'vendor' or 'meterIds', not both and not neither "
                    + "(groups by model or tag wait for the registry to carry them: see README \"Schedules\")");
        }
        if (byVendor) {
            return pool.preparedQuery("SELECT EXISTS (SELECT 1 FROM polling.meter WHERE vendor = $1)")
                    .execute(Tuple.of(group.vendor())).map(rows -> rows.iterator().next().getBoolean(0))
                    .invoke(known -> {
                        if (!known) {
                            throw new ProblemException(Problem.ofField(Problem.Type.UNKNOWN_GROUP, "group.vendor",
                                    "no registered meter has vendor '" + group.vendor() + "'"));
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
        if (s.meterIds() != null) {
            return Uni.createFrom().item(s.meterIds());
        }
        return client.preparedQuery("SELECT meter_id FROM polling.meter WHERE vendor = $1 ORDER BY meter_id")
                .execute(Tuple.of(s.vendor())).map(rows -> {
                    List<String> out = new ArrayList<>(rows.size());
                    rows.forEach(r -> out.add(r.getString(0)));
                    return out;
                });
    }
}
