package org.amihes.interop;

import org.openmuc.jdlms.AttributeAccessMode;
import org.openmuc.jdlms.CosemAttribute;
import org.openmuc.jdlms.CosemClass;
import org.openmuc.jdlms.CosemInterfaceObject;
import org.openmuc.jdlms.datatypes.DataObject;
import org.openmuc.jdlms.datatypes.DataObject.Type;

/** COSEM Register (class id 3, version 0) served by jDLMS: value (2) and scaler_unit (3), read-only. */
@CosemClass(id = 3, version = 0)
public final class JdlmsRegister extends CosemInterfaceObject {

    @CosemAttribute(id = 2, accessMode = AttributeAccessMode.READ_ONLY)
    private final DataObject value;

    @CosemAttribute(id = 3, type = Type.STRUCTURE, accessMode = AttributeAccessMode.READ_ONLY)
    private final DataObject scalerUnit;

    /**
     * @param value  attribute 2 as jDLMS will encode it (any numeric DLMS type)
     * @param scaler power of ten, integer (int8)
     * @param unit   DLMS unit enumeration, e.g. 30 = Wh
     */
    public JdlmsRegister(String obis, DataObject value, int scaler, int unit) {
        super(obis);
        this.value = value;
        this.scalerUnit = DataObject.newStructureData(DataObject.newInteger8Data((byte) scaler),
                DataObject.newEnumerateData(unit));
    }
}
