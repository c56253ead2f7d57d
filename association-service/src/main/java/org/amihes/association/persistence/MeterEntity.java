package org.amihes.association.persistence;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.amihes.association.domain.Meter;
import org.amihes.dlms.AuthenticationLevel;
import org.amihes.dlms.transport.TransportKind;

/** Row of the {@code meter} table. Only {@link MeterStore} touches it; everything else sees {@link Meter}. */
@Entity
@Table(name = "meter")
public class MeterEntity extends PanacheEntityBase {

    @Id
    @Column(name = "meter_id")
    public String meterId;
    public String vendor;
    public String host;
    public int port;
    @Enumerated(EnumType.STRING)
    public TransportKind transport;
    @Column(name = "client_address")
    public int clientAddress;
    @Column(name = "logical_device")
    public int logicalDevice;
    @Enumerated(EnumType.STRING)
    public AuthenticationLevel authentication;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "updated_at")
    public Instant updatedAt;

    Meter toDomain() {
        return new Meter(meterId, vendor, host, port, transport, clientAddress, logicalDevice, authentication);
    }

    void assign(Meter m) {
        meterId = m.meterId();
        vendor = m.vendor();
        host = m.host();
        port = m.port();
        transport = m.transport();
        clientAddress = m.clientAddress();
        logicalDevice = m.logicalDevice();
        authentication = m.authentication();
        updatedAt = Instant.now();
    }
}
