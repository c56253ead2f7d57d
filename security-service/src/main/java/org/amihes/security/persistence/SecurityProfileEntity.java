package org.amihes.security.persistence;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.amihes.security.domain.Authentication;
import org.amihes.security.domain.SecurityPolicy;
import org.amihes.security.domain.SecurityProfile;
import org.amihes.security.domain.VersionedProfile;

@Entity
@Table(name = "security_profile")
public class SecurityProfileEntity {

    @Id
    public String name;

    @Column(name = "security_suite", nullable = false)
    public int securitySuite;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Authentication authentication;

    @Enumerated(EnumType.STRING)
    @Column(name = "security_policy", nullable = false)
    public SecurityPolicy securityPolicy;

    @Column(name = "client_address", nullable = false)
    public int clientAddress;

    @Column(name = "security_setup")
    public String securitySetup;

    @Column(name = "frame_counter")
    public String frameCounter;

    /** Business version, bumped by the store on a real change (not JPA optimistic locking: rows are locked). */
    @Column(nullable = false)
    public int version;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    SecurityProfile settings() {
        return new SecurityProfile(name, securitySuite, authentication, securityPolicy, clientAddress, securitySetup,
                frameCounter);
    }

    VersionedProfile toVersioned() {
        return new VersionedProfile(settings(), version, updatedAt);
    }

    void apply(SecurityProfile profile, int newVersion, Instant now) {
        name = profile.name();
        securitySuite = profile.securitySuite();
        authentication = profile.authentication();
        securityPolicy = profile.securityPolicy();
        clientAddress = profile.clientAddress();
        securitySetup = profile.securitySetup();
        frameCounter = profile.frameCounter();
        version = newVersion;
        updatedAt = now;
    }
}
