package org.amihes.association.commands;

import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import org.amihes.contracts.Reconnect;

/**
 * {@link Reconnect}: remote_reconnect, unless the meter is connected or ready for its customer to reconnect it already.
 */
@ApplicationScoped
public class ReconnectHandler implements CommandHandler<Reconnect> {

    @Override
    public Class<Reconnect> commandClass() {
        return Reconnect.class;
    }

    @Override
    public String operation() {
        return "RECONNECT";
    }

    @Override
    public Future<Handled> run(JobContext context, Reconnect command) {
        return RelayCommands.apply(context.session(), RelayCommands.REMOTE_RECONNECT, List.of(1, 2));
    }
}
