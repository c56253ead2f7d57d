package org.amihes.association.commands;

import gurux.dlms.GXDateTime;
import gurux.dlms.objects.GXDLMSClock;
import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import org.amihes.contracts.ClockState;
import org.amihes.contracts.SyncClock;
import org.amihes.dlms.MeterReader;
import org.amihes.dlms.failure.DlmsException;
import org.amihes.dlms.failure.FailureCode;

/** {@link SyncClock}: read the meter's time; set it to the head-end's only when the drift exceeds the tolerance. */
@ApplicationScoped
public class SyncClockHandler implements CommandHandler<SyncClock> {

    private final Clock clock = Clock.systemUTC();

    @Override
    public Class<SyncClock> commandClass() {
        return SyncClock.class;
    }

    @Override
    public String operation() {
        return "CLOCK_SYNC";
    }

    @Override
    public Future<Handled> run(JobContext context, SyncClock command) {
        GXDLMSClock meterClock = new GXDLMSClock(MeterReader.CLOCK);
        return context.session().read(meterClock, 2).compose(v -> {
            if (meterClock.getTime() == null || meterClock.getTime().getValue() == null) {
                throw new DlmsException(FailureCode.NULL_VALUE, MeterReader.CLOCK + " returned no time",
                        context.session().exchange(), null);
            }
            Instant meterTime = meterClock.getTime().getValue().toInstant();
            Instant now = clock.instant();
            long drift = Duration.between(now, meterTime).toMillis();
            if (Math.abs(drift) <= command.maxDriftSeconds() * 1000L) {
                return Future.succeededFuture(handled(meterTime, drift, null, command));
            }
            Instant setTo = clock.instant();
            Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
            utc.setTimeInMillis(setTo.toEpochMilli());
            meterClock.setTime(new GXDateTime(utc));
            return context.session().write(meterClock, 2).map(x -> handled(meterTime, drift, setTo, command));
        });
    }

    private static Handled handled(Instant meterTime, long drift, Instant setTo, SyncClock command) {
        return new Handled(new ClockState(meterTime, drift, setTo != null, setTo),
                Map.of("meterTime", meterTime.toString(), "driftMillis", drift, "maxDriftSeconds",
                        command.maxDriftSeconds(), "written", setTo != null,
                        "setTo", setTo == null ? "" : setTo.toString()), List.of());
    }
}
