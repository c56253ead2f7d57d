package org.amihes.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * What a {@link MeterJob} asks a meter to do: one command object per operation, each turned into DLMS operations by
 * one handler in association-service. On the wire a command is a JSON object with its {@code type} (e.g.
 * {@code {"type": "read-registers", "registers": [...]}}). Adding a command is a record here, its outcome in
 * {@link CommandOutcome}, and a handler: no new queue, consumer, publisher or executor.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({@JsonSubTypes.Type(value = ReadRegisters.class, name = ReadRegisters.TYPE)})
public sealed interface MeterCommand permits ReadRegisters {

    /** The command's type name, as on the wire; results travel under routing key {@code result.<type>}. */
    String commandType();
}
