package org.amihes.security.rest;

import jakarta.annotation.security.RolesAllowed;
import org.amihes.service.security.Roles;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.inject.Inject;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.sql.SQLException;
import java.util.List;
import jakarta.validation.Valid;
import jakarta.ws.rs.core.StreamingOutput;
import org.amihes.security.keys.EscrowExport;
import org.amihes.security.keys.KeyDelivery;
import org.amihes.security.keys.KeyStore;
import org.amihes.security.keys.KeyVault;
import org.amihes.security.keys.MeterCredentials;
import org.amihes.security.rotation.KeyRotations;
import org.amihes.security.persistence.SecurityProfileStore;
import org.amihes.service.rest.ProblemException;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Meter keys: import of a vendor key delivery, what versions a meter has (never a key), and the credentials
 * association-service needs to open a meter's association (keys included: only for its OIDC client).
 */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class KeyResource {

    /** A key version as operators see it: state and metadata, never a key. */
    public record KeyVersion(int version, String state, String authentication, int securitySuite, String securityPolicy,
                             String masterKey) {
    }

    @Inject
    KeyDelivery delivery;

    @Inject
    KeyVault vault;

    @Inject
    MeterCredentials credentials;

    @Inject
    SecurityProfileStore profiles;

    @Inject
    EscrowExport escrow;

    @Inject
    KeyRotations rotations;

    @Inject
    org.amihes.security.rotation.RotationPreparer preparer;

    @Inject
    KeyStore keyStore;

    @Inject
    org.amihes.security.persistence.InvocationCounterStore counters;

    @Inject
    org.eclipse.microprofile.jwt.JsonWebToken token;

    /** who asks, from the token (an X-Actor header is ignored) */
    @Inject
    org.amihes.service.security.Actor actor;

    /**
     * Imports a key delivery file: checked whole (bad records named by line and field, nothing stored), then stored
     * all or nothing, each meter's secrets wrapped by the HSM. Repeating the same import changes nothing. The answer
     * counts; it never echoes a key.
     */
    @RolesAllowed(Roles.SECURITY_OFFICER)
    @POST
    @Path("/keys/import")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public KeyVault.Imported importKeys(InputStream body) throws IOException, SQLException {
        return vault.importDelivery(delivery.read(body), actor.name());
    }

    /**
     * Escrow: the meters' keys, every version, wrapped under the operator's key (RFC 5649). Streams the answer; the
     * wrapping key is used for this answer only. Meters without keys are listed under "missing".
     */
    @RolesAllowed(Roles.KEY_ESCROW)
    @POST
    @Path("/keys/export")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public StreamingOutput export(@NotNull @Valid EscrowRequest request) {
        byte[] key = java.util.HexFormat.of().parseHex(request.wrappingKey());
        List<String> ids = request.meterIds().stream().distinct().toList();
        String who = actor.name(); // the person's identity from the token, not a header the caller chooses
        return out -> {
            try {
                escrow.write(ids, key, who, out);
            } catch (SQLException e) {
                throw new java.io.IOException("key store unavailable: " + e.getMessage(), e);
            } finally {
                java.util.Arrays.fill(key, (byte) 0);
            }
        };
    }

    /** Key events of a meter (none given: of the head-end), newest first: who, when, what, which version. */
    @RolesAllowed(Roles.SECURITY_OFFICER)
    @GET
    @Path("/keys/events")
    @Blocking
    public List<KeyStore.StoredEvent> events(@RestQuery @Pattern(regexp = InvocationCounterResource.ID) String meterId,
            @RestQuery("limit") @org.eclipse.microprofile.openapi.annotations.parameters.Parameter(description = "1 to 10000, default 100", schema = @org.eclipse.microprofile.openapi.annotations.media.Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER, minimum = "1", maximum = "10000", defaultValue = "100")) String limitParam) throws SQLException {
        // read by hand: JAX-RS answers an int parameter that does not parse with 404 (InputMatrixTest)
        int limit = org.amihes.service.rest.QueryParams.intParam("limit", limitParam, 100, 1, 10_000);
        return keyStore.events(meterId, limit);
    }

    /** Body of {@code POST /keys/rotations}. */
    public record RotationRequest(@jakarta.validation.constraints.NotEmpty @jakarta.validation.constraints.Size(max = 100_000)
                                  List<@NotNull @Pattern(regexp = InvocationCounterResource.ID) String> meterIds) {
    }

    /**
     * Rotates the global keys of the meters: each gets a PENDING version (or keeps the one a rotation already made),
     * transferred and then confirmed by association-service before it becomes ACTIVE. 202 once the meters are listed
     * (PREPARING): the versions are made and sent after the answer, a chunk at a time, followed in the progress.
     */
    @RolesAllowed(Roles.SECURITY_OFFICER)
    @POST
    @Path("/keys/rotations")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public jakarta.ws.rs.core.Response rotate(@NotNull @Valid RotationRequest request)
            throws SQLException {
        List<String> ids = request.meterIds().stream().distinct().toList();
        KeyRotations.Started started = rotations.start(ids, actor.name());
        preparer.wake();
        return jakarta.ws.rs.core.Response.accepted(started)
                .location(java.net.URI.create("/keys/rotations/" + started.batchId())).build();
    }

    /** Where a rotation batch stands: meters by state, done when each is ACTIVE or FAILED, the failures. */
    @RolesAllowed(Roles.SECURITY_OFFICER)
    @GET
    @Path("/keys/rotations/{batchId}")
    @Blocking
    public KeyRotations.Progress rotation(@RestPath java.util.UUID batchId) throws SQLException {
        KeyRotations.Progress progress = rotations.progress(batchId);
        if (progress.meters() == 0) {
            throw ProblemException.notFound("batchId", "no rotation " + batchId);
        }
        return progress;
    }

    /** The key versions of a meter, newest first; 404 when it has none. */
    @RolesAllowed(Roles.SECURITY_OFFICER)
    @GET
    @Path("/meters/{meterId}/keys")
    @Blocking
    public List<KeyVersion> versions(@RestPath @Pattern(regexp = InvocationCounterResource.ID) String meterId)
            throws SQLException {
        List<KeyVersion> out = vault.versions(meterId).stream().map(r -> new KeyVersion(r.version(), r.state().name(),
                r.authentication().name(), r.securitySuite(), r.securityPolicy().name(), r.masterKey())).toList();
        if (out.isEmpty()) {
            throw ProblemException.notFound("meterId", "meter '" + meterId + "' has no keys; import its key delivery");
        }
        return out;
    }

    /** The meters whose keys carry a system title, the most recently delivered first. */
    public record SystemTitleOwners(String systemTitle, List<String> meterIds) {
    }

    /** The most meters one system title lookup names. */
    static final int SYSTEM_TITLE_OWNERS = 20;

    /**
     * Which meters hold this system title (8 bytes, hex) in their current keys, the most recently delivered first (at
     * most 20): association-service names a ciphered push's sender by it, whatever address the push came from, and
     * where more than one meter has it, the meter whose keys decipher the push is the sender. 404 when no meter has it.
     * Only for association-service's client, as the credentials.
     */
    @RolesAllowed(Roles.KEY_CONSUMER)
    @GET
    @Path("/system-titles/{systemTitle}")
    @Blocking
    public SystemTitleOwners systemTitle(@RestPath @Pattern(regexp = "[0-9A-Fa-f]{16}",
            message = "must be 16 hex digits (8 bytes)") String systemTitle) throws SQLException {
        credentials.authorizeConsumer(token.getClaim("azp"));
        String title = systemTitle.toUpperCase(java.util.Locale.ROOT);
        List<String> meters = keyStore.metersWithSystemTitle(java.util.HexFormat.of().parseHex(title),
                SYSTEM_TITLE_OWNERS);
        if (meters.isEmpty()) {
            throw ProblemException.notFound("systemTitle", "no meter has system title " + title + " in its keys");
        }
        return new SystemTitleOwners(title, meters);
    }

    /**
     * What association-service needs to associate with a meter under a security profile: the profile, the system
     * titles, the ACTIVE keys and, during a rotation, the PENDING ones. Only for association-service's client (role key-consumer, azp checked).
     */
    @RolesAllowed(Roles.KEY_CONSUMER)
    @GET
    @Path("/meters/{meterId}/credentials")
    public Uni<MeterCredentials.Response> credentials(
            @RestPath @Pattern(regexp = InvocationCounterResource.ID) String meterId,
            @RestQuery @NotNull @Pattern(regexp = SecurityProfileRequest.NAME) String profile) {
        credentials.authorizeConsumer(token.getClaim("azp"));
        return profiles.find(profile).onItem().ifNull().failWith(() -> ProblemException.notFound("profile",
                        "no security profile '" + profile + "'"))
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(found -> credentials.of(meterId, found));
    }

    /** The answers of a batch of credential lookups, in the order asked. */
    public record CredentialsAnswer(List<MeterCredentials.Answer> meters) {
    }

    /**
     * The credentials of many meters in one request (association-service asks for the meters of a job batch
     * together): each answered as {@code GET /meters/{meterId}/credentials} would answer it alone, a refusal as its
     * problem (status and detail) in place of the credentials. Only for association-service's client.
     */
    @RolesAllowed(Roles.KEY_CONSUMER)
    @POST
    @Path("/meters/credentials")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<CredentialsAnswer> credentials(@NotNull @Valid CredentialsRequest request) {
        credentials.authorizeConsumer(token.getClaim("azp"));
        List<String> names = request.meters().stream().map(CredentialsRequest.Meter::profile).distinct().toList();
        // one after the other: the profiles share the request's Hibernate Reactive session (a few names at most)
        java.util.Map<String, org.amihes.security.domain.VersionedProfile> byName = new java.util.HashMap<>();
        Uni<java.util.Map<String, org.amihes.security.domain.VersionedProfile>> found = Uni.createFrom().item(byName);
        for (String name : names) {
            found = found.chain(map -> profiles.find(name).map(p -> {
                if (p != null) {
                    map.put(name, p);
                }
                return map;
            }));
        }
        List<MeterCredentials.Wanted> wanted = request.meters().stream()
                .map(m -> new MeterCredentials.Wanted(m.meterId(), m.profile())).toList();
        return found.emitOn(Infrastructure.getDefaultWorkerPool())
                .map(profilesByName -> new CredentialsAnswer(credentials.of(wanted, profilesByName)));
    }

    /** The windows of a batch of reservations in the order asked; a key at the end of its counter space has {@code refused}. */
    public record CounterWindows(List<org.amihes.security.persistence.InvocationCounterStore.Reserved> windows) {
    }

    /**
     * Invocation counter windows for many meters and keys in one request (association-service reserves those of the
     * sessions it is about to open together: one statement in PostgreSQL), each as {@code POST
     * /meters/{meterId}/invocation-counters/{keyId}/reservations} would reserve it; safe to repeat.
     */
    @RolesAllowed(Roles.KEY_CONSUMER)
    @POST
    @Path("/invocation-counters/reservations")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<CounterWindows> reserve(@NotNull @Valid CounterReservationsRequest request) {
        credentials.authorizeConsumer(token.getClaim("azp"));
        return counters.reserveAll(request.reservations().stream()
                        .map(r -> new org.amihes.security.persistence.InvocationCounterStore.Wanted(r.meterId(), r.keyId(),
                                r.atLeast() == null ? 1 : r.atLeast())).toList(), request.count())
                .map(CounterWindows::new);
    }
}
