package org.amihes.association.commands;

import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.amihes.contracts.Disconnect;

/** {@link Disconnect}: remote_disconnect, unless the meter is disconnected already. */
@ApplicationScoped
public class DisconnectHandler implements CommandHandler<Disconnect> {

    @Override
    public Class<Disconnect> commandClass() {
        return Disconnect.class;
    }

    @Override
    public String operation() {
        return "DISCONNECT";
    }

    @Override
    public Future<Handled> run(JobContext context, Disconnect command) {
        return RelayCommands.apply(context.session(), RelayCommands.REMOTE_DISCONNECT, List.of(0));
    }
}
