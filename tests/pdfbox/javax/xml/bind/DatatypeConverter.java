// Stand-in for the two JAXB methods PDFBox 2 preflight and xmpbox call (JAXB left the JDK in
// Java 11; Debian: libjaxb-api-java). parseDateTime does what JAXB's own implementation does:
// the JDK's xsd:dateTime parser, javax.xml.datatype.
package javax.xml.bind;

import java.util.Calendar;
import javax.xml.datatype.DatatypeConfigurationException;
import javax.xml.datatype.DatatypeFactory;

public final class DatatypeConverter {
    private DatatypeConverter() {}

    public static int parseInt(String lexical) {
        return Integer.parseInt(lexical.trim());
    }

    public static Calendar parseDateTime(String lexical) {
        try {
            return DatatypeFactory.newInstance()
                    .newXMLGregorianCalendar(lexical.trim())
                    .toGregorianCalendar();
        } catch (DatatypeConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }
}
