package org.amihes.interop;

import gurux.dlms.GXDLMSTranslator;
import gurux.dlms.TranslatorOutputType;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * One frame of the exchange that proves a verdict: the direction, the bytes as hex and the frame decoded by Gurux's
 * translator (wrapper or HDLC framing and the APDU; a ciphered APDU decodes to its glo-/ded- tag and header only,
 * since the translator is never given a key).
 *
 * @param direction "TX" (head-end to meter) or "RX"
 */
public record Evidence(String direction, String hex, String decoded) {

    /** From dlms-core's exchange lines ("TX 0001..." / "RX ..."), oldest first. */
    public static List<Evidence> of(List<String> exchange) {
        List<Evidence> out = new ArrayList<>(exchange.size());
        for (String line : exchange) {
            int space = line.indexOf(' ');
            String direction = space < 0 ? "?" : line.substring(0, space);
            String hex = space < 0 ? line : line.substring(space + 1);
            out.add(new Evidence(direction, hex, decode(hex)));
        }
        return out;
    }

    /** The frame as Gurux's translator reads it, or why it could not. */
    static String decode(String hex) {
        int cut = hex.indexOf("...");
        if (cut >= 0) {
            return "(frame longer than kept: not decoded)";
        }
        try {
            byte[] bytes = HexFormat.of().parseHex(hex);
            GXDLMSTranslator translator = new GXDLMSTranslator(TranslatorOutputType.SIMPLE_XML);
            translator.setComments(true);
            translator.setOmitXmlDeclaration(true);
            translator.setOmitXmlNameSpace(true);
            String xml = translator.messageToXml(bytes);
            return xml == null || xml.isBlank() ? "(not decoded)" : xml.strip();
        } catch (Exception | Error e) { // the translator throws anything on a malformed frame
            return "(not decodable: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")";
        }
    }
}
