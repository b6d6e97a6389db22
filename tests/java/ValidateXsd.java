// An XSD judge independent of libxml2: the JDK's own validator (Xerces-J), run by the tests as
// `java ValidateXsd.java CATALOG SCHEMA FILE...` (the JDK's source launcher). The catalog
// resolves the schema's import of the MDTO schema; only file: URLs may be read, so nothing is
// fetched. Prints "valid: FILE" or "INVALID: FILE: message" per file; exit 1 if any is invalid.
import java.io.File;
import javax.xml.XMLConstants;
import javax.xml.catalog.CatalogFeatures;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.xml.sax.SAXException;

public class ValidateXsd {
    public static void main(String[] args) throws Exception {
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        factory.setProperty(
                CatalogFeatures.Feature.FILES.getPropertyName(), new File(args[0]).toURI().toString());
        // Not in the catalog (the schema's include of its lists, a relative file): as it is.
        factory.setProperty(CatalogFeatures.Feature.RESOLVE.getPropertyName(), "continue");
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "file");
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        Schema schema = factory.newSchema(new File(args[1]));
        int invalid = 0;
        for (int i = 2; i < args.length; i++) {
            Validator validator = schema.newValidator();
            try {
                validator.validate(new StreamSource(new File(args[i])));
                System.out.println("valid: " + args[i]);
            } catch (SAXException e) {
                invalid++;
                System.out.println("INVALID: " + args[i] + ": " + e.getMessage());
            }
        }
        System.exit(invalid == 0 ? 0 : 1);
    }
}
