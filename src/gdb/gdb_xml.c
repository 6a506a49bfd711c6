/*
 * The target description gdb reads with qXfer:features:read: the features
 * GDB defines for AArch64 (GDB manual, "AArch64 Features"):
 * org.gnu.gdb.aarch64.core (x0-x30, sp, pc, cpsr) and org.gnu.gdb.aarch64.fpu
 * (v0-v31 as 128-bit vectors viewable per lane size, fpsr, fpcr). Register
 * numbers run on from one feature to the next, as gdb_cmds.c counts them.
 */
#include <string.h>

#include "gdb/gdb_internal.h"

static const char target_xml[] =
    "<?xml version=\"1.0\"?>"
    "<!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
    "<target>"
    "<architecture>aarch64</architecture>"
    "<xi:include href=\"aarch64-core.xml\"/>"
    "<xi:include href=\"aarch64-fpu.xml\"/>"
    "</target>";

#define X(n) "<reg name=\"x" #n "\" bitsize=\"64\" type=\"int\"/>"
static const char core_xml[] =
    "<?xml version=\"1.0\"?>"
    "<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">"
    "<feature name=\"org.gnu.gdb.aarch64.core\">"
    "<reg name=\"x0\" bitsize=\"64\" type=\"int\" regnum=\"0\"/>"
    X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15)
    X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29)
    X(30)
    "<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/>"
    "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>"
    /* PSTATE as SPSR lays it out; named flags so gdb prints them. */
    "<flags id=\"cpsr_flags\" size=\"4\">"
    "<field name=\"SP\" start=\"0\" end=\"0\"/>"
    "<field name=\"EL\" start=\"2\" end=\"3\"/>"
    "<field name=\"nRW\" start=\"4\" end=\"4\"/>"
    "<field name=\"F\" start=\"6\" end=\"6\"/>"
    "<field name=\"I\" start=\"7\" end=\"7\"/>"
    "<field name=\"A\" start=\"8\" end=\"8\"/>"
    "<field name=\"D\" start=\"9\" end=\"9\"/>"
    "<field name=\"IL\" start=\"20\" end=\"20\"/>"
    "<field name=\"SS\" start=\"21\" end=\"21\"/>"
    "<field name=\"V\" start=\"28\" end=\"28\"/>"
    "<field name=\"C\" start=\"29\" end=\"29\"/>"
    "<field name=\"Z\" start=\"30\" end=\"30\"/>"
    "<field name=\"N\" start=\"31\" end=\"31\"/>"
    "</flags>"
    "<reg name=\"cpsr\" bitsize=\"32\" type=\"cpsr_flags\"/>"
    "</feature>";
#undef X

#define V(n) "<reg name=\"v" #n "\" bitsize=\"128\" type=\"aarch64v\"/>"
static const char fpu_xml[] =
    "<?xml version=\"1.0\"?>"
    "<!DOCTYPE feature SYSTEM \"gdb-target.dtd\">"
    "<feature name=\"org.gnu.gdb.aarch64.fpu\">"
    /* Each 128-bit register seen as lanes of every size, floating and integer. */
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
    "<vector id=\"v2u\" type=\"uint64\" count=\"2\"/>"
    "<vector id=\"v2i\" type=\"int64\" count=\"2\"/>"
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
    "<vector id=\"v4u\" type=\"uint32\" count=\"4\"/>"
    "<vector id=\"v4i\" type=\"int32\" count=\"4\"/>"
    "<vector id=\"v8u\" type=\"uint16\" count=\"8\"/>"
    "<vector id=\"v8i\" type=\"int16\" count=\"8\"/>"
    "<vector id=\"v16u\" type=\"uint8\" count=\"16\"/>"
    "<vector id=\"v16i\" type=\"int8\" count=\"16\"/>"
    "<vector id=\"v1u\" type=\"uint128\" count=\"1\"/>"
    "<vector id=\"v1i\" type=\"int128\" count=\"1\"/>"
    "<union id=\"vnd\"><field name=\"f\" type=\"v2d\"/><field name=\"u\" type=\"v2u\"/>"
    "<field name=\"s\" type=\"v2i\"/></union>"
    "<union id=\"vns\"><field name=\"f\" type=\"v4f\"/><field name=\"u\" type=\"v4u\"/>"
    "<field name=\"s\" type=\"v4i\"/></union>"
    "<union id=\"vnh\"><field name=\"u\" type=\"v8u\"/><field name=\"s\" type=\"v8i\"/></union>"
    "<union id=\"vnb\"><field name=\"u\" type=\"v16u\"/><field name=\"s\" type=\"v16i\"/></union>"
    "<union id=\"vnq\"><field name=\"u\" type=\"v1u\"/><field name=\"s\" type=\"v1i\"/></union>"
    "<union id=\"aarch64v\"><field name=\"d\" type=\"vnd\"/><field name=\"s\" type=\"vns\"/>"
    "<field name=\"h\" type=\"vnh\"/><field name=\"b\" type=\"vnb\"/>"
    "<field name=\"q\" type=\"vnq\"/></union>"
    "<reg name=\"v0\" bitsize=\"128\" type=\"aarch64v\" regnum=\"34\"/>"
    V(1) V(2) V(3) V(4) V(5) V(6) V(7) V(8) V(9) V(10) V(11) V(12) V(13) V(14) V(15)
    V(16) V(17) V(18) V(19) V(20) V(21) V(22) V(23) V(24) V(25) V(26) V(27) V(28) V(29)
    V(30) V(31)
    "<reg name=\"fpsr\" bitsize=\"32\"/>"
    "<reg name=\"fpcr\" bitsize=\"32\"/>"
    "</feature>";
#undef V

const char *gdb_xml_annex(const char *name)
{
    if (!strcmp(name, "target.xml"))
        return target_xml;
    if (!strcmp(name, "aarch64-core.xml"))
        return core_xml;
    if (!strcmp(name, "aarch64-fpu.xml"))
        return fpu_xml;
    return NULL;
}
