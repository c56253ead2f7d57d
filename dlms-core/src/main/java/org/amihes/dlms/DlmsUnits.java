package org.amihes.dlms;

import java.util.Map;

/**
 * The units of a scaler_unit as the DLMS standard names them (IEC 62056-6-2, the Blue Book's unit enumeration):
 * {@code 30 -> "Wh"}, {@code 27 -> "W"}, {@code 35 -> "V"}. The head-end stores and serves these symbols, never a
 * library's enum names ({@code ACTIVE_ENERGY}). A code the table does not name becomes {@code "unit-<code>"}, so
 * nothing is lost and nothing is guessed.
 */
public final class DlmsUnits {

    private static final Map<Integer, String> SYMBOLS = Map.ofEntries(
            Map.entry(1, "a"), Map.entry(2, "mo"), Map.entry(3, "wk"), Map.entry(4, "d"), Map.entry(5, "h"),
            Map.entry(6, "min"), Map.entry(7, "s"), Map.entry(8, "°"), Map.entry(9, "°C"), Map.entry(10, "currency"),
            Map.entry(11, "m"), Map.entry(12, "m/s"), Map.entry(13, "m³"), Map.entry(14, "m³"), Map.entry(15, "m³/h"),
            Map.entry(16, "m³/h"), Map.entry(17, "m³/d"), Map.entry(18, "m³/d"), Map.entry(19, "l"),
            Map.entry(20, "kg"), Map.entry(21, "N"), Map.entry(22, "Nm"), Map.entry(23, "Pa"), Map.entry(24, "bar"),
            Map.entry(25, "J"), Map.entry(26, "J/h"), Map.entry(27, "W"), Map.entry(28, "VA"), Map.entry(29, "var"),
            Map.entry(30, "Wh"), Map.entry(31, "VAh"), Map.entry(32, "varh"), Map.entry(33, "A"), Map.entry(34, "C"),
            Map.entry(35, "V"), Map.entry(36, "V/m"), Map.entry(37, "F"), Map.entry(38, "Ω"), Map.entry(39, "Ωm²/m"),
            Map.entry(40, "Wb"), Map.entry(41, "T"), Map.entry(42, "A/m"), Map.entry(43, "H"), Map.entry(44, "Hz"),
            Map.entry(45, "1/(Wh)"), Map.entry(46, "1/(varh)"), Map.entry(47, "1/(VAh)"), Map.entry(48, "V²h"),
            Map.entry(49, "A²h"), Map.entry(50, "kg/s"), Map.entry(51, "S"), Map.entry(52, "K"),
            Map.entry(53, "1/(V²h)"), Map.entry(54, "1/(A²h)"), Map.entry(55, "1/m³"), Map.entry(56, "%"),
            Map.entry(57, "Ah"), Map.entry(60, "Wh/m³"), Map.entry(61, "J/m³"), Map.entry(62, "Mol %"),
            Map.entry(63, "g/m³"), Map.entry(64, "Pa s"), Map.entry(65, "J/kg"), Map.entry(66, "g/cm²"),
            Map.entry(67, "atm"), Map.entry(70, "dBm"), Map.entry(71, "dBµV"), Map.entry(72, "dB"),
            Map.entry(254, "other"), Map.entry(255, "count"));

    private DlmsUnits() {
    }

    /** The standard's symbol for unit code {@code code}; {@code "unit-<code>"} for a code it does not name. */
    public static String symbol(int code) {
        String s = SYMBOLS.get(code);
        return s != null ? s : "unit-" + code;
    }
}
