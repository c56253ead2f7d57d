package org.amihes.association.commands;

import io.vertx.core.Future;
import java.util.Map;
import org.amihes.association.domain.Meter;
import org.amihes.contracts.CommandOutcome;
import org.amihes.contracts.MeterCommand;
import org.amihes.contracts.MeterFailure;

/**
 * A {@link MeterCommand} that drives associations of its own with the meter, one after another, rather than
 * working inside the one association the {@link org.amihes.association.JobExecutor} opens for a
 * {@link CommandHandler}: an interoperability plan (public, management and deliberately refused associations). It
 * reaches the executor like any job (the meter's partition, redelivery, the result on the broker, the audit log) and
 * takes the meter itself, with {@link org.amihes.association.MeterSessions#exclusive}, for the part that talks to it.
 * The returned future completes once the procedure's effect is durable; a failed one sends the job back to the broker.
 */
public interface MeterProcedure<C extends MeterCommand> {

    /**
     * @param outcome what goes back on the broker
     * @param audit   what the audit log's line shows
     * @param failure non-null: the meter failed the procedure (the job still succeeded); audited as FAIL with its
     *                class, code and frames
     */
    record Done(CommandOutcome outcome, Map<String, Object> audit, MeterFailure failure) {
    }

    Class<C> commandClass();

    /** The audit log's name of the operation. */
    String operation();

    Future<Done> run(Meter meter, C command, String jobId);

    /**
     * The job ends without the procedure (its meter is not in the registry): what the procedure owes for it (a row
     * to settle, say) is settled with {@code why}. Completes when that is durable.
     */
    Future<Void> notRun(String meterId, C command, MeterFailure why);
}
