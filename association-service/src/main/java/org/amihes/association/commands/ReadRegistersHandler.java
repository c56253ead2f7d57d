package org.amihes.association.commands;

import io.vertx.core.Future;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
import org.amihes.contracts.ReadRegisters;
import org.amihes.contracts.RegisterReadings;
import org.amihes.contracts.RegisterValue;
import org.amihes.dlms.MeterReader;

/** {@link ReadRegisters}: the registers' values, scalers and units and the clock ({@link MeterReader#readRegisters}). */
@ApplicationScoped
public class ReadRegistersHandler implements CommandHandler<ReadRegisters> {

    @Override
    public Class<ReadRegisters> commandClass() {
        return ReadRegisters.class;
    }

    @Override
    public String operation() {
        return "READ";
    }

    @Override
    public Future<Handled> run(JobContext context, ReadRegisters command) {
        return MeterReader.readRegisters(context.session(), command.registers()).map(reading -> {
            List<RegisterValue> values = reading.registers().stream()
                    .map(r -> RegisterValue.of(r.obis(), r.raw(), r.scaler(), r.unit())).toList();
            return new Handled(new RegisterReadings(reading.meterTime(), values),
                    Map.of("meterTime", reading.meterTime().toString(),
                            "values", values.stream().map(v -> v.obis() + "=" + v.value().toPlainString() + " " + v.unit()).toList()),
                    reading.warnings());
        });
    }
}
