package org.amihes.service.security;

/**
 * The realm roles of Keycloak's realm {@code ami} (keycloak/ami-realm.json), as endpoints name them in
 * {@code @RolesAllowed}. Every JAX-RS endpoint must carry one: an endpoint without it is denied to everybody
 * ({@code quarkus.security.jaxrs.deny-unannotated-endpoints}), and each service's AuthMatrixTest fails on it.
 * operator, firmware-manager and security-officer include viewer in the realm (composite roles); admin includes the
 * four roles of people; key-escrow and key-consumer are given on purpose only, never through admin.
 */
public final class Roles {

    /** Reads: meters, readings, read batches, commands' outcomes, images, security profiles. */
    public static final String VIEWER = "viewer";
    /** Reads and commands: starts reads, sends meter commands, edits the registry. */
    public static final String OPERATOR = "operator";
    /** Firmware images and campaigns. */
    public static final String FIRMWARE_MANAGER = "firmware-manager";
    /** Keys, rotation, security profiles, invocation counters. */
    public static final String SECURITY_OFFICER = "security-officer";
    /** Every role of a person (a composite in the realm; endpoints never need to name it). */
    public static final String ADMIN = "admin";
    /** Escrow export of meter keys: given to named people, never through a composite. */
    public static final String KEY_ESCROW = "key-escrow";
    /** A service that opens meter associations: meter credentials and counter reservations (association-service). */
    public static final String KEY_CONSUMER = "key-consumer";

    /** Every role of the realm an endpoint may name (what a 403 answer lists of a token's roles). */
    public static final java.util.List<String> ALL = java.util.List.of(VIEWER, OPERATOR, FIRMWARE_MANAGER,
            SECURITY_OFFICER, ADMIN, KEY_ESCROW, KEY_CONSUMER);

    private Roles() {
    }
}
