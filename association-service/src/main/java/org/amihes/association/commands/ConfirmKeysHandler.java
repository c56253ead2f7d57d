package org.amihes.association.commands;

import gurux.dlms.objects.GXDLMSClock;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import org.amihes.contracts.ConfirmKeys;
import org.amihes.contracts.KeysInstalled;
import org.amihes.dlms.MeterReader;

/**
 * {@link ConfirmKeys}: the association itself, made with the new key version ({@link ConfirmKeys#keyVersion()}), is
 * the proof; reading the clock in it shows the meter deciphers and answers with that key.
 */
@ApplicationScoped
public class ConfirmKeysHandler implements CommandHandler<ConfirmKeys> {

    @Override
    public Class<ConfirmKeys> commandClass() {
        return ConfirmKeys.class;
    }

    @Override
    public String operation() {
        return "KEY_CONFIRM";
    }

    @Override
    public Future<Handled> run(JobContext context, ConfirmKeys command) {
        GXDLMSClock clock = new GXDLMSClock(MeterReader.CLOCK);
        // the clock object holds the time read (the raw answer is its octet string)
        return context.session().read(clock, 2).map(raw -> new Handled(
                new KeysInstalled(command.version(), context.keyVersion()),
                Map.of("version", command.version(), "meterTime", clock.getTime() == null
                        || clock.getTime().getValue() == null ? "none" : clock.getTime().getValue().toInstant().toString()),
                List.of()));
    }
}
