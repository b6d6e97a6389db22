// Stand-in for the JavaBeans Activation Framework interface that Apache PDFBox 2 preflight
// uses and Java 11 removed from the JDK (Debian: libactivation-java, not a dependency of
// libpdfbox2-java). Only what preflight calls. See tests/test_pdfbox.py.
package javax.activation;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

public interface DataSource {
    InputStream getInputStream() throws IOException;

    OutputStream getOutputStream() throws IOException;

    String getContentType();

    String getName();
}
