package org.amihes.association.commands;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import org.amihes.contracts.CommandOutcome;
import org.amihes.contracts.MeterCommand;

/**
 * Turns one kind of {@link MeterCommand} into DLMS operations inside an open association. Everything around it (the
 * registry, keys, one association per meter, admission, retries, audit, the result on the broker, redelivery) is the
 * {@link org.amihes.association.JobExecutor}'s and the job consumer's, the same for every command: a new command is a
 * contract and a handler.
 */
public interface CommandHandler<C extends MeterCommand> {

    /**
     * @param outcome what goes back on the broker
     * @param audit   what the audit log's PASS line shows (never a key)
     * @param warnings VENDOR deviations tolerated
     */
    record Handled(CommandOutcome outcome, Map<String, Object> audit, List<String> warnings) {
    }

    Class<C> commandClass();

    /** The audit log's name of the operation, e.g. READ. */
    String operation();

    Future<Handled> run(JobContext context, C command);
}
