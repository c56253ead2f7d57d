package org.amihes.firmware.registry;

import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Singleton;
import org.amihes.service.registry.RegistryViewTable;

/** firmware-service's view of the meter registry ({@code firmware.meter}): campaign targets and their device type. */
@Singleton // no client proxy: the base class keeps final fields
public class FirmwareMeterView extends RegistryViewTable {

    public FirmwareMeterView(Pool pool) {
        super(pool, "firmware.meter");
    }
}
