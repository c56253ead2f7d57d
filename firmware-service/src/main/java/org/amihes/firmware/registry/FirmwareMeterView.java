package org.amihes.firmware.registry;

import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import org.amihes.service.registry.RegistryViewTable;

/** firmware-service's view of the meter registry ({@code firmware.meter}): campaign targets and their device type. */
@ApplicationScoped
public class FirmwareMeterView extends RegistryViewTable {

    public FirmwareMeterView(Pool pool) {
        super(pool, "firmware.meter");
    }
}
