package org.amihes.security.rest;

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
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

/**
 * Meter keys: import of a vendor key delivery, what versions a meter has (never a key), and the credentials
 * association-service needs to open a meter's association (keys included: only for its service credential).
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
    KeyStore keyStore;

    /**
     * Imports a key delivery file: checked whole (bad records named by line and field, nothing stored), then stored
     * all or nothing, each meter's secrets wrapped by the HSM. Repeating the same import changes nothing. The answer
     * counts; it never echoes a key.
     */
    @POST
    @Path("/keys/import")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public KeyVault.Imported importKeys(InputStream body, @RestHeader("X-Actor") String actor)
            throws IOException, SQLException {
        return vault.importDelivery(delivery.read(body), actor == null || actor.isBlank() ? "api" : actor);
    }

    /**
     * Escrow: the meters' keys, every version, wrapped under the operator's key (RFC 5649). Streams the answer; the
     * wrapping key is used for this answer only. Meters without keys are listed under "missing".
     */
    @POST
    @Path("/keys/export")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public StreamingOutput export(@NotNull @Valid EscrowRequest request, @RestHeader("X-Actor") String actor,
            @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
        credentials.authorizeEscrow(authorization);
        byte[] key = java.util.HexFormat.of().parseHex(request.wrappingKey());
        List<String> ids = request.meterIds().stream().distinct().toList();
        String who = actor == null || actor.isBlank() ? "api" : actor;
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
    @GET
    @Path("/keys/events")
    @Blocking
    public List<KeyStore.StoredEvent> events(@RestQuery @Pattern(regexp = InvocationCounterResource.ID) String meterId,
            @RestQuery @jakarta.ws.rs.DefaultValue("100") @jakarta.validation.constraints.Min(1)
            @jakarta.validation.constraints.Max(10_000) int limit) throws SQLException {
        return keyStore.events(meterId, limit);
    }

    /** Body of {@code POST /keys/rotations}. */
    public record RotationRequest(@jakarta.validation.constraints.NotEmpty @jakarta.validation.constraints.Size(max = 100_000)
                                  List<@NotNull @Pattern(regexp = InvocationCounterResource.ID) String> meterIds) {
    }

    /**
     * Rotates the global keys of the meters: each gets a PENDING version (or keeps the one a rotation already made),
     * transferred and then confirmed by association-service before it becomes ACTIVE. 202 with the batch to follow.
     */
    @POST
    @Path("/keys/rotations")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public jakarta.ws.rs.core.Response rotate(@NotNull @Valid RotationRequest request,
            @RestHeader("X-Actor") String actor) throws SQLException {
        List<String> ids = request.meterIds().stream().distinct().toList();
        KeyRotations.Started started = rotations.start(ids, actor == null || actor.isBlank() ? "api" : actor);
        return jakarta.ws.rs.core.Response.accepted(started)
                .location(java.net.URI.create("/keys/rotations/" + started.batchId())).build();
    }

    /** Where a rotation batch stands: meters by state, done when each is ACTIVE or FAILED, the failures. */
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

    /**
     * What association-service needs to associate with a meter under a security profile: the profile, the system
     * titles, the ACTIVE keys and, during a rotation, the PENDING ones. Only for the service credential.
     */
    @GET
    @Path("/meters/{meterId}/credentials")
    public Uni<MeterCredentials.Response> credentials(
            @RestPath @Pattern(regexp = InvocationCounterResource.ID) String meterId,
            @RestQuery @NotNull @Pattern(regexp = SecurityProfileRequest.NAME) String profile,
            @RestHeader(HttpHeaders.AUTHORIZATION) String authorization) {
        credentials.authorize(authorization);
        return profiles.find(profile).onItem().ifNull().failWith(() -> ProblemException.notFound("profile",
                        "no security profile '" + profile + "'"))
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(found -> credentials.of(meterId, found));
    }
}
