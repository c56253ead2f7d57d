package org.amihes.security.persistence;

import org.amihes.service.persistence.UniqueViolation;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.amihes.security.domain.ProfileChange;
import org.amihes.security.domain.SecurityProfile;
import org.amihes.security.domain.VersionedProfile;

/** Transactional access to security profiles; every returned Uni completes after its transaction has committed. */
@ApplicationScoped
public class SecurityProfileStore {

    /**
     * @param profile the state after the write; on CONFLICT the stored profile that was left alone
     */
    public record Saved(ProfileChange change, VersionedProfile profile) {
    }

    /** How to judge a write against what is stored: {@link ProfileChange#onCreate} or {@link ProfileChange#onPut}. */
    public interface Decision {
        ProfileChange decide(SecurityProfile stored, SecurityProfile requested);
    }

    @Inject
    SecurityProfileRepository profiles;

    /**
     * Two creates of a new name racing each other both find nothing and insert; the loser hits the primary key and
     * is answered by running again, when it finds the winner's row (then UNCHANGED, UPDATED or CONFLICT).
     */
    public Uni<Saved> save(SecurityProfile requested, Decision decision) {
        return Panache.withTransaction(() -> saveAndAnnounce(requested, decision))
                .onFailure(UniqueViolation::test)
                .recoverWithUni(() -> Panache.withTransaction(() -> saveAndAnnounce(requested, decision)));
    }

    @Inject
    org.amihes.security.messaging.SecurityEvents events;

    /** A created or changed profile's event goes into the outbox in the same transaction. */
    private Uni<Saved> saveAndAnnounce(SecurityProfile requested, Decision decision) {
        return saveOnce(requested, decision).call(saved -> switch (saved.change()) {
            case CREATED -> events.profileChanged(saved.profile());
            // a managed entity is written at commit: flush first, so the event never precedes the row
            case UPDATED -> Panache.getSession().chain(s -> s.flush()).chain(() -> events.profileChanged(saved.profile()));
            case UNCHANGED, CONFLICT -> Uni.createFrom().voidItem();
        });
    }

    /** What a bulk upsert did: the profiles created or changed (their new versions), and how many were left alone. */
    public record Bulk(List<VersionedProfile> created, List<VersionedProfile> updated, int unchanged) {
    }

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    /**
     * Sets every profile as PUT does, in one statement and one transaction: new names are created at version 1,
     * changed settings get the next version, identical ones are left alone (no new version).
     */
    public Uni<Bulk> putAll(List<SecurityProfile> profiles) {
        int n = profiles.size();
        String[] names = new String[n];
        Integer[] suites = new Integer[n];
        String[] auths = new String[n];
        String[] policies = new String[n];
        Integer[] clients = new Integer[n];
        String[] setups = new String[n];
        String[] counters = new String[n];
        for (int i = 0; i < n; i++) {
            SecurityProfile p = profiles.get(i);
            names[i] = p.name();
            suites[i] = p.securitySuite();
            auths[i] = p.authentication().name();
            policies[i] = p.securityPolicy().name();
            clients[i] = p.clientAddress();
            setups[i] = p.securitySetup();
            counters[i] = p.frameCounter();
        }
        return pool.withTransaction(conn -> conn.preparedQuery("INSERT INTO security.security_profile AS p (name, "
                        + "security_suite, authentication, security_policy, client_address, security_setup, frame_counter, "
                        + "version, updated_at) SELECT n, s, a, pol, c, ss, fc, 1, now() FROM unnest($1::text[], $2::int[], "
                        + "$3::text[], $4::text[], $5::int[], $6::text[], $7::text[]) AS t(n, s, a, pol, c, ss, fc) "
                        + "ON CONFLICT (name) DO UPDATE SET security_suite = EXCLUDED.security_suite, "
                        + "authentication = EXCLUDED.authentication, security_policy = EXCLUDED.security_policy, "
                        + "client_address = EXCLUDED.client_address, security_setup = EXCLUDED.security_setup, "
                        + "frame_counter = EXCLUDED.frame_counter, version = p.version + 1, updated_at = now() "
                        + "WHERE (p.security_suite, p.authentication, p.security_policy, p.client_address, p.security_setup, "
                        + "p.frame_counter) IS DISTINCT FROM (EXCLUDED.security_suite, EXCLUDED.authentication, "
                        + "EXCLUDED.security_policy, EXCLUDED.client_address, EXCLUDED.security_setup, EXCLUDED.frame_counter) "
                        + "RETURNING (xmax = 0) AS created, name, security_suite, authentication, security_policy, "
                        + "client_address, security_setup, frame_counter, version, updated_at")
                .execute(io.vertx.mutiny.sqlclient.Tuple.tuple(List.of(names, suites, auths, policies, clients, setups,
                        counters)))
                .map(rows -> {
                    List<VersionedProfile> created = new java.util.ArrayList<>();
                    List<VersionedProfile> updated = new java.util.ArrayList<>();
                    for (io.vertx.mutiny.sqlclient.Row r : rows) {
                        VersionedProfile v = new VersionedProfile(new SecurityProfile(r.getString("name"),
                                r.getInteger("security_suite"),
                                org.amihes.security.domain.Authentication.valueOf(r.getString("authentication")),
                                org.amihes.security.domain.SecurityPolicy.valueOf(r.getString("security_policy")),
                                r.getInteger("client_address"), r.getString("security_setup"), r.getString("frame_counter")),
                                r.getInteger("version"), r.getOffsetDateTime("updated_at").toInstant());
                        (r.getBoolean("created") ? created : updated).add(v);
                    }
                    return new Bulk(created, updated, n - created.size() - updated.size());
                })
                // every created or changed profile's event, into the outbox in the same transaction
                .call(bulk -> {
                    List<VersionedProfile> changed = new java.util.ArrayList<>(bulk.created());
                    changed.addAll(bulk.updated());
                    return events.profilesChanged(conn, changed);
                }));
    }

    public Uni<List<VersionedProfile>> list() {
        return Panache.withSession(() -> profiles.listByName())
                .map(list -> list.stream().map(SecurityProfileEntity::toVersioned).toList());
    }

    /** @return the profile, or null when none has that name */
    public Uni<VersionedProfile> find(String name) {
        return Panache.withSession(() -> profiles.findById(name))
                .map(entity -> entity == null ? null : entity.toVersioned());
    }

    private Uni<Saved> saveOnce(SecurityProfile requested, Decision decision) {
        return profiles.findForUpdate(requested.name()).flatMap(entity -> {
            ProfileChange change = decision.decide(entity == null ? null : entity.settings(), requested);
            // microseconds: what timestamptz keeps, so the answer equals what a later GET returns
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            return switch (change) {
                case CREATED -> {
                    SecurityProfileEntity created = new SecurityProfileEntity();
                    created.apply(requested, 1, now);
                    // flush inside the transaction so a racing insert fails here, where save() retries it
                    yield profiles.persistAndFlush(created).map(e -> new Saved(change, e.toVersioned()));
                }
                case UPDATED -> {
                    // a managed entity: the change is written at commit
                    entity.apply(requested, entity.version + 1, now);
                    yield Uni.createFrom().item(new Saved(change, entity.toVersioned()));
                }
                case UNCHANGED, CONFLICT -> Uni.createFrom().item(new Saved(change, entity.toVersioned()));
            };
        });
    }
}
