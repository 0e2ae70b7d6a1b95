/*
 * PCI configuration-space register and bit names (see pci_regs.h).  Our own
 * tables, from the PCI Local Bus 3.0, PCI Bus Power Management 1.2, PCI
 * Express Base 4.0 specifications; abbreviations follow Linux's pci_regs.h.
 */
#include "machine-types/pci_regs.h"

#include <stdio.h>
#include <string.h>

#define F(lo, w, n, d) { lo, w, n, d }
#define END { 0, 0, NULL, NULL }

/* ---- header (type 0 and type 1) ------------------------------------------------ */

static const vmc_pci_field command_f[] = {
    F(0, 1, "IO", "I/O Space Enable"),
    F(1, 1, "MEMORY", "Memory Space Enable"),
    F(2, 1, "MASTER", "Bus Master Enable"),
    F(3, 1, "SPECIAL", "Special Cycles"),
    F(4, 1, "INVALIDATE", "Memory Write and Invalidate Enable"),
    F(5, 1, "VGA_PALETTE", "VGA Palette Snoop"),
    F(6, 1, "PARITY", "Parity Error Response"),
    F(7, 1, "WAIT", "IDSEL Stepping / Wait Cycle Control"),
    F(8, 1, "SERR", "SERR# Enable"),
    F(9, 1, "FAST_BACK", "Fast Back-to-Back Enable"),
    F(10, 1, "INTX_DISABLE", "Interrupt Disable"),
    END,
};

static const vmc_pci_field status_f[] = {
    F(0, 1, "IMM_READY", "Immediate Readiness"),
    F(3, 1, "INTERRUPT", "Interrupt Status"),
    F(4, 1, "CAP_LIST", "Capabilities List"),
    F(5, 1, "66MHZ", "66 MHz Capable"),
    F(7, 1, "FAST_BACK", "Fast Back-to-Back Transactions Capable"),
    F(8, 1, "PARITY", "Master Data Parity Error"),
    F(9, 2, "DEVSEL", "DEVSEL Timing"),
    F(11, 1, "SIG_TARGET_ABORT", "Signaled Target Abort"),
    F(12, 1, "REC_TARGET_ABORT", "Received Target Abort"),
    F(13, 1, "REC_MASTER_ABORT", "Received Master Abort"),
    F(14, 1, "SIG_SYSTEM_ERROR", "Signaled System Error"),
    F(15, 1, "DETECTED_PARITY", "Detected Parity Error"),
    END,
};

static const vmc_pci_field sec_status_f[] = {
    F(5, 1, "66MHZ", "66 MHz Capable"),
    F(7, 1, "FAST_BACK", "Fast Back-to-Back Transactions Capable"),
    F(8, 1, "PARITY", "Master Data Parity Error"),
    F(9, 2, "DEVSEL", "DEVSEL Timing"),
    F(11, 1, "SIG_TARGET_ABORT", "Signaled Target Abort"),
    F(12, 1, "REC_TARGET_ABORT", "Received Target Abort"),
    F(13, 1, "REC_MASTER_ABORT", "Received Master Abort"),
    F(14, 1, "REC_SYSTEM_ERROR", "Received System Error"),
    F(15, 1, "DETECTED_PARITY", "Detected Parity Error"),
    END,
};

static const vmc_pci_field header_type_f[] = {
    F(0, 7, "LAYOUT", "Header Layout"),
    F(7, 1, "MULTIFUNCTION", "Multi-Function Device"),
    END,
};

static const vmc_pci_field bist_f[] = {
    F(0, 4, "CODE", "Completion Code"),
    F(6, 1, "START", "Start BIST"),
    F(7, 1, "CAPABLE", "BIST Capable"),
    END,
};

static const vmc_pci_field bar_mem_f[] = {
    F(0, 1, "SPACE_IO", "Memory Space Indicator (0 = memory)"),
    F(1, 2, "MEM_TYPE", "Memory Type (0 = 32-bit, 2 = 64-bit)"),
    F(3, 1, "MEM_PREFETCH", "Prefetchable"),
    F(4, 28, "ADDRESS", "Base Address"),
    END,
};

static const vmc_pci_field bar_io_f[] = {
    F(0, 1, "SPACE_IO", "I/O Space Indicator (1 = I/O)"),
    F(2, 30, "ADDRESS", "Base Address"),
    END,
};

static const vmc_pci_field rom_f[] = {
    F(0, 1, "ENABLE", "Expansion ROM Enable"),
    F(11, 21, "ADDRESS", "ROM Base Address"),
    END,
};

static const vmc_pci_field io_base_f[] = {
    F(0, 4, "TYPE", "Addressing Capability (0 = 16-bit, 1 = 32-bit)"),
    F(4, 4, "ADDRESS", "Address bits 15:12"),
    END,
};

static const vmc_pci_field mem_base_f[] = {
    F(4, 12, "ADDRESS", "Address bits 31:20"),
    END,
};

static const vmc_pci_field pref_base_f[] = {
    F(0, 4, "TYPE", "Addressing Capability (0 = 32-bit, 1 = 64-bit)"),
    F(4, 12, "ADDRESS", "Address bits 31:20"),
    END,
};

static const vmc_pci_field bridge_ctl_f[] = {
    F(0, 1, "PARITY", "Parity Error Response Enable"),
    F(1, 1, "SERR", "SERR# Enable"),
    F(2, 1, "ISA", "ISA Enable"),
    F(3, 1, "VGA", "VGA Enable"),
    F(4, 1, "VGA_16BIT", "VGA 16-bit Decode"),
    F(5, 1, "MASTER_ABORT", "Master Abort Mode"),
    F(6, 1, "BUS_RESET", "Secondary Bus Reset"),
    F(7, 1, "FAST_BACK", "Fast Back-to-Back Transactions Enable"),
    F(8, 1, "DISCARD", "Primary Discard Timeout"),
    F(9, 1, "SEC_DISCARD", "Secondary Discard Timeout"),
    F(10, 1, "DISCARD_STATUS", "Discard Timer Status"),
    F(11, 1, "DISCARD_SERR", "Discard Timer SERR# Enable"),
    END,
};

#define COMMON_HEADER                                                                   \
    { 0x00, 2, "VENDOR_ID", "Vendor ID", NULL },                                        \
    { 0x02, 2, "DEVICE_ID", "Device ID", NULL },                                        \
    { 0x04, 2, "COMMAND", "Command", command_f },                                       \
    { 0x06, 2, "STATUS", "Status", status_f },                                          \
    { 0x08, 1, "REVISION_ID", "Revision ID", NULL },                                    \
    { 0x09, 1, "CLASS_PROG", "Programming Interface", NULL },                           \
    { 0x0a, 1, "CLASS_SUB", "Sub-Class Code", NULL },                                   \
    { 0x0b, 1, "CLASS_BASE", "Base Class Code", NULL },                                 \
    { 0x0c, 1, "CACHE_LINE_SIZE", "Cache Line Size", NULL },                            \
    { 0x0d, 1, "LATENCY_TIMER", "Latency Timer", NULL },                                \
    { 0x0e, 1, "HEADER_TYPE", "Header Type", header_type_f },                           \
    { 0x0f, 1, "BIST", "BIST", bist_f },                                                \
    { 0x10, 4, "BAR0", "Base Address Register 0", bar_mem_f },                          \
    { 0x14, 4, "BAR1", "Base Address Register 1", bar_mem_f },                          \
    { 0x34, 1, "CAPABILITY_LIST", "Capabilities Pointer", NULL },                       \
    { 0x3c, 1, "INTERRUPT_LINE", "Interrupt Line", NULL },                              \
    { 0x3d, 1, "INTERRUPT_PIN", "Interrupt Pin", NULL }

static const vmc_pci_reg header0[] = {
    COMMON_HEADER,
    { 0x18, 4, "BAR2", "Base Address Register 2", bar_mem_f },
    { 0x1c, 4, "BAR3", "Base Address Register 3", bar_mem_f },
    { 0x20, 4, "BAR4", "Base Address Register 4", bar_mem_f },
    { 0x24, 4, "BAR5", "Base Address Register 5", bar_mem_f },
    { 0x28, 4, "CARDBUS_CIS", "CardBus CIS Pointer", NULL },
    { 0x2c, 2, "SUBSYSTEM_VENDOR_ID", "Subsystem Vendor ID", NULL },
    { 0x2e, 2, "SUBSYSTEM_ID", "Subsystem ID", NULL },
    { 0x30, 4, "ROM_ADDRESS", "Expansion ROM Base Address", rom_f },
    { 0x35, 3, "RESERVED", "Reserved", NULL },
    { 0x38, 4, "RESERVED", "Reserved", NULL },
    { 0x3e, 1, "MIN_GNT", "Min_Gnt", NULL },
    { 0x3f, 1, "MAX_LAT", "Max_Lat", NULL },
    { 0 },
};

static const vmc_pci_reg header1[] = {
    COMMON_HEADER,
    { 0x18, 1, "PRIMARY_BUS", "Primary Bus Number", NULL },
    { 0x19, 1, "SECONDARY_BUS", "Secondary Bus Number", NULL },
    { 0x1a, 1, "SUBORDINATE_BUS", "Subordinate Bus Number", NULL },
    { 0x1b, 1, "SEC_LATENCY_TIMER", "Secondary Latency Timer", NULL },
    { 0x1c, 1, "IO_BASE", "I/O Base", io_base_f },
    { 0x1d, 1, "IO_LIMIT", "I/O Limit", io_base_f },
    { 0x1e, 2, "SEC_STATUS", "Secondary Status", sec_status_f },
    { 0x20, 2, "MEMORY_BASE", "Memory Base", mem_base_f },
    { 0x22, 2, "MEMORY_LIMIT", "Memory Limit", mem_base_f },
    { 0x24, 2, "PREF_MEMORY_BASE", "Prefetchable Memory Base", pref_base_f },
    { 0x26, 2, "PREF_MEMORY_LIMIT", "Prefetchable Memory Limit", pref_base_f },
    { 0x28, 4, "PREF_BASE_UPPER32", "Prefetchable Base Upper 32 Bits", NULL },
    { 0x2c, 4, "PREF_LIMIT_UPPER32", "Prefetchable Limit Upper 32 Bits", NULL },
    { 0x30, 2, "IO_BASE_UPPER16", "I/O Base Upper 16 Bits", NULL },
    { 0x32, 2, "IO_LIMIT_UPPER16", "I/O Limit Upper 16 Bits", NULL },
    { 0x35, 3, "RESERVED", "Reserved", NULL },
    { 0x38, 4, "ROM_ADDRESS1", "Expansion ROM Base Address", rom_f },
    { 0x3e, 2, "BRIDGE_CONTROL", "Bridge Control", bridge_ctl_f },
    { 0 },
};

/* ---- standard capabilities --------------------------------------------------------- */

#define CAP_HEADER                                                                     \
    { 0x00, 1, "CAP_ID", "Capability ID", NULL },                                       \
    { 0x01, 1, "CAP_NEXT", "Next Capability Pointer", NULL }

static const vmc_pci_field pmc_f[] = {
    F(0, 3, "VERSION", "Version"),
    F(3, 1, "PME_CLOCK", "PME Clock"),
    F(4, 1, "IMM_READY", "Immediate Readiness on Return to D0"),
    F(5, 1, "DSI", "Device Specific Initialization"),
    F(6, 3, "AUX_CURRENT", "Aux Current"),
    F(9, 1, "D1", "D1 Support"),
    F(10, 1, "D2", "D2 Support"),
    F(11, 5, "PME_SUPPORT", "PME Support (D0, D1, D2, D3hot, D3cold)"),
    END,
};

static const vmc_pci_field pmcsr_f[] = {
    F(0, 2, "STATE", "Power State"),
    F(3, 1, "NO_SOFT_RESET", "No_Soft_Reset"),
    F(8, 1, "PME_ENABLE", "PME_En"),
    F(9, 4, "DATA_SEL", "Data_Select"),
    F(13, 2, "DATA_SCALE", "Data_Scale"),
    F(15, 1, "PME_STATUS", "PME_Status"),
    END,
};

static const vmc_pci_reg cap_pm[] = {
    CAP_HEADER,
    { 0x02, 2, "PM_PMC", "Power Management Capabilities", pmc_f },
    { 0x04, 2, "PM_CTRL", "Power Management Control/Status", pmcsr_f },
    { 0x06, 1, "PM_PPB_EXTENSIONS", "PMCSR Bridge Extensions", NULL },
    { 0x07, 1, "PM_DATA_REGISTER", "Data", NULL },
    { 0 },
};

static const vmc_pci_field msi_flags_f[] = {
    F(0, 1, "ENABLE", "MSI Enable"),
    F(1, 3, "QMASK", "Multiple Message Capable"),
    F(4, 3, "QSIZE", "Multiple Message Enable"),
    F(7, 1, "64BIT", "64 Bit Address Capable"),
    F(8, 1, "MASKBIT", "Per-Vector Masking Capable"),
    END,
};

static const vmc_pci_reg cap_msi32[] = {
    CAP_HEADER,
    { 0x02, 2, "MSI_FLAGS", "Message Control", msi_flags_f },
    { 0x04, 4, "MSI_ADDRESS_LO", "Message Address", NULL },
    { 0x08, 2, "MSI_DATA_32", "Message Data", NULL },
    { 0x0c, 4, "MSI_MASK_32", "Mask Bits", NULL },
    { 0x10, 4, "MSI_PENDING_32", "Pending Bits", NULL },
    { 0 },
};

static const vmc_pci_reg cap_msi64[] = {
    CAP_HEADER,
    { 0x02, 2, "MSI_FLAGS", "Message Control", msi_flags_f },
    { 0x04, 4, "MSI_ADDRESS_LO", "Message Address", NULL },
    { 0x08, 4, "MSI_ADDRESS_HI", "Message Upper Address", NULL },
    { 0x0c, 2, "MSI_DATA_64", "Message Data", NULL },
    { 0x10, 4, "MSI_MASK_64", "Mask Bits", NULL },
    { 0x14, 4, "MSI_PENDING_64", "Pending Bits", NULL },
    { 0 },
};

static const vmc_pci_field msix_flags_f[] = {
    F(0, 11, "QSIZE", "Table Size (N-1)"),
    F(14, 1, "MASKALL", "Function Mask"),
    F(15, 1, "ENABLE", "MSI-X Enable"),
    END,
};

static const vmc_pci_field msix_bir_f[] = {
    F(0, 3, "BIR", "BAR Indicator"),
    F(3, 29, "OFFSET", "Offset"),
    END,
};

static const vmc_pci_reg cap_msix[] = {
    CAP_HEADER,
    { 0x02, 2, "MSIX_FLAGS", "Message Control", msix_flags_f },
    { 0x04, 4, "MSIX_TABLE", "Table Offset/BIR", msix_bir_f },
    { 0x08, 4, "MSIX_PBA", "PBA Offset/BIR", msix_bir_f },
    { 0 },
};

static const vmc_pci_field exp_flags_f[] = {
    F(0, 4, "VERS", "Capability Version"),
    F(4, 4, "TYPE", "Device/Port Type"),
    F(8, 1, "SLOT", "Slot Implemented"),
    F(9, 5, "IRQ", "Interrupt Message Number"),
    END,
};

static const vmc_pci_field devcap_f[] = {
    F(0, 3, "PAYLOAD", "Max_Payload_Size Supported"),
    F(3, 2, "PHANTOM", "Phantom Functions Supported"),
    F(5, 1, "EXT_TAG", "Extended Tag Field Supported"),
    F(6, 3, "L0S", "Endpoint L0s Acceptable Latency"),
    F(9, 3, "L1", "Endpoint L1 Acceptable Latency"),
    F(12, 1, "ATN_BUT", "Attention Button Present (obsolete)"),
    F(13, 1, "ATN_IND", "Attention Indicator Present (obsolete)"),
    F(14, 1, "PWR_IND", "Power Indicator Present (obsolete)"),
    F(15, 1, "RBER", "Role-Based Error Reporting"),
    F(18, 8, "PWR_VAL", "Captured Slot Power Limit Value"),
    F(26, 2, "PWR_SCL", "Captured Slot Power Limit Scale"),
    F(28, 1, "FLR", "Function Level Reset Capability"),
    END,
};

static const vmc_pci_field devctl_f[] = {
    F(0, 1, "CERE", "Correctable Error Reporting Enable"),
    F(1, 1, "NFERE", "Non-Fatal Error Reporting Enable"),
    F(2, 1, "FERE", "Fatal Error Reporting Enable"),
    F(3, 1, "URRE", "Unsupported Request Reporting Enable"),
    F(4, 1, "RELAX_EN", "Enable Relaxed Ordering"),
    F(5, 3, "PAYLOAD", "Max_Payload_Size"),
    F(8, 1, "EXT_TAG", "Extended Tag Field Enable"),
    F(9, 1, "PHANTOM", "Phantom Functions Enable"),
    F(10, 1, "AUX_PME", "Aux Power PM Enable"),
    F(11, 1, "NOSNOOP_EN", "Enable No Snoop"),
    F(12, 3, "READRQ", "Max_Read_Request_Size"),
    F(15, 1, "BCR_FLR", "Bridge Configuration Retry Enable / Initiate Function Level Reset"),
    END,
};

static const vmc_pci_field devsta_f[] = {
    F(0, 1, "CED", "Correctable Error Detected"),
    F(1, 1, "NFED", "Non-Fatal Error Detected"),
    F(2, 1, "FED", "Fatal Error Detected"),
    F(3, 1, "URD", "Unsupported Request Detected"),
    F(4, 1, "AUXPD", "AUX Power Detected"),
    F(5, 1, "TRPND", "Transactions Pending"),
    F(6, 1, "EPR", "Emergency Power Reduction Detected"),
    END,
};

static const vmc_pci_field lnkcap_f[] = {
    F(0, 4, "SLS", "Max Link Speed"),
    F(4, 6, "MLW", "Maximum Link Width"),
    F(10, 2, "ASPMS", "ASPM Support"),
    F(12, 3, "L0SEL", "L0s Exit Latency"),
    F(15, 3, "L1EL", "L1 Exit Latency"),
    F(18, 1, "CLKPM", "Clock Power Management"),
    F(19, 1, "SDERC", "Surprise Down Error Reporting Capable"),
    F(20, 1, "DLLLARC", "Data Link Layer Link Active Reporting Capable"),
    F(21, 1, "LBNC", "Link Bandwidth Notification Capability"),
    F(22, 1, "ASPM_COMP", "ASPM Optionality Compliance"),
    F(24, 8, "PN", "Port Number"),
    END,
};

static const vmc_pci_field lnkctl_f[] = {
    F(0, 2, "ASPMC", "ASPM Control"),
    F(3, 1, "RCB", "Read Completion Boundary"),
    F(4, 1, "LD", "Link Disable"),
    F(5, 1, "RL", "Retrain Link"),
    F(6, 1, "CCC", "Common Clock Configuration"),
    F(7, 1, "ES", "Extended Synch"),
    F(8, 1, "CLKREQ_EN", "Enable Clock Power Management"),
    F(9, 1, "HAWD", "Hardware Autonomous Width Disable"),
    F(10, 1, "LBMIE", "Link Bandwidth Management Interrupt Enable"),
    F(11, 1, "LABIE", "Link Autonomous Bandwidth Interrupt Enable"),
    END,
};

static const vmc_pci_field lnksta_f[] = {
    F(0, 4, "CLS", "Current Link Speed"),
    F(4, 6, "NLW", "Negotiated Link Width"),
    F(11, 1, "LT", "Link Training"),
    F(12, 1, "SLC", "Slot Clock Configuration"),
    F(13, 1, "DLLLA", "Data Link Layer Link Active"),
    F(14, 1, "LBMS", "Link Bandwidth Management Status"),
    F(15, 1, "LABS", "Link Autonomous Bandwidth Status"),
    END,
};

static const vmc_pci_field sltcap_f[] = {
    F(0, 1, "ABP", "Attention Button Present"),
    F(1, 1, "PCP", "Power Controller Present"),
    F(2, 1, "MRLSP", "MRL Sensor Present"),
    F(3, 1, "AIP", "Attention Indicator Present"),
    F(4, 1, "PIP", "Power Indicator Present"),
    F(5, 1, "HPS", "Hot-Plug Surprise"),
    F(6, 1, "HPC", "Hot-Plug Capable"),
    F(7, 8, "SPLV", "Slot Power Limit Value"),
    F(15, 2, "SPLS", "Slot Power Limit Scale"),
    F(17, 1, "EIP", "Electromechanical Interlock Present"),
    F(18, 1, "NCCS", "No Command Completed Support"),
    F(19, 13, "PSN", "Physical Slot Number"),
    END,
};

static const vmc_pci_field sltctl_f[] = {
    F(0, 1, "ABPE", "Attention Button Pressed Enable"),
    F(1, 1, "PFDE", "Power Fault Detected Enable"),
    F(2, 1, "MRLSCE", "MRL Sensor Changed Enable"),
    F(3, 1, "PDCE", "Presence Detect Changed Enable"),
    F(4, 1, "CCIE", "Command Completed Interrupt Enable"),
    F(5, 1, "HPIE", "Hot-Plug Interrupt Enable"),
    F(6, 2, "AIC", "Attention Indicator Control"),
    F(8, 2, "PIC", "Power Indicator Control"),
    F(10, 1, "PCC", "Power Controller Control"),
    F(11, 1, "EIC", "Electromechanical Interlock Control"),
    F(12, 1, "DLLSCE", "Data Link Layer State Changed Enable"),
    END,
};

static const vmc_pci_field sltsta_f[] = {
    F(0, 1, "ABP", "Attention Button Pressed"),
    F(1, 1, "PFD", "Power Fault Detected"),
    F(2, 1, "MRLSC", "MRL Sensor Changed"),
    F(3, 1, "PDC", "Presence Detect Changed"),
    F(4, 1, "CC", "Command Completed"),
    F(5, 1, "MRLSS", "MRL Sensor State"),
    F(6, 1, "PDS", "Presence Detect State"),
    F(7, 1, "EIS", "Electromechanical Interlock Status"),
    F(8, 1, "DLLSC", "Data Link Layer State Changed"),
    END,
};

static const vmc_pci_field rtctl_f[] = {
    F(0, 1, "SECEE", "System Error on Correctable Error Enable"),
    F(1, 1, "SENFEE", "System Error on Non-Fatal Error Enable"),
    F(2, 1, "SEFEE", "System Error on Fatal Error Enable"),
    F(3, 1, "PMEIE", "PME Interrupt Enable"),
    F(4, 1, "CRSSVE", "CRS Software Visibility Enable"),
    END,
};

static const vmc_pci_field rtcap_f[] = {
    F(0, 1, "CRSVIS", "CRS Software Visibility"),
    END,
};

static const vmc_pci_field rtsta_f[] = {
    F(0, 16, "PME_RID", "PME Requester ID"),
    F(16, 1, "PME", "PME Status"),
    F(17, 1, "PME_PENDING", "PME Pending"),
    END,
};

static const vmc_pci_field devcap2_f[] = {
    F(0, 4, "COMP_TMOUT_RANGES", "Completion Timeout Ranges Supported"),
    F(4, 1, "COMP_TMOUT_DIS", "Completion Timeout Disable Supported"),
    F(5, 1, "ARI", "ARI Forwarding Supported"),
    F(6, 1, "ATOMIC_ROUTE", "AtomicOp Routing Supported"),
    F(7, 1, "ATOMIC_COMP32", "32-bit AtomicOp Completer Supported"),
    F(8, 1, "ATOMIC_COMP64", "64-bit AtomicOp Completer Supported"),
    F(9, 1, "ATOMIC_COMP128", "128-bit CAS Completer Supported"),
    F(11, 1, "LTR", "LTR Mechanism Supported"),
    F(12, 2, "TPH_COMP", "TPH Completer Supported"),
    F(18, 2, "OBFF", "OBFF Supported"),
    F(20, 1, "EXT_FMT", "Extended Fmt Field Supported"),
    F(21, 1, "EE_PREFIX", "End-End TLP Prefix Supported"),
    F(22, 2, "MAX_EE_PREFIX", "Max End-End TLP Prefixes"),
    END,
};

static const vmc_pci_field devctl2_f[] = {
    F(0, 4, "COMP_TIMEOUT", "Completion Timeout Value"),
    F(4, 1, "COMP_TMOUT_DIS", "Completion Timeout Disable"),
    F(5, 1, "ARI", "ARI Forwarding Enable"),
    F(6, 1, "ATOMIC_REQ", "AtomicOp Requester Enable"),
    F(7, 1, "ATOMIC_EGRESS_BLOCK", "AtomicOp Egress Blocking"),
    F(8, 1, "IDO_REQ_EN", "IDO Request Enable"),
    F(9, 1, "IDO_CMP_EN", "IDO Completion Enable"),
    F(10, 1, "LTR_EN", "LTR Mechanism Enable"),
    F(13, 2, "OBFF", "OBFF Enable"),
    F(15, 1, "EE_PREFIX_BLOCK", "End-End TLP Prefix Blocking"),
    END,
};

static const vmc_pci_field lnkcap2_f[] = {
    F(1, 7, "SLS", "Supported Link Speeds Vector"),
    F(8, 1, "CROSSLINK", "Crosslink Supported"),
    END,
};

static const vmc_pci_field lnkctl2_f[] = {
    F(0, 4, "TLS", "Target Link Speed"),
    F(4, 1, "ENTER_COMP", "Enter Compliance"),
    F(5, 1, "HASD", "Hardware Autonomous Speed Disable"),
    F(6, 1, "SEL_DEEMPH", "Selectable De-emphasis"),
    F(7, 3, "TX_MARGIN", "Transmit Margin"),
    F(10, 1, "ENTER_MOD_COMP", "Enter Modified Compliance"),
    F(11, 1, "COMP_SOS", "Compliance SOS"),
    F(12, 4, "COMP_PRESET", "Compliance Preset/De-emphasis"),
    END,
};

static const vmc_pci_field lnksta2_f[] = {
    F(0, 1, "CDL", "Current De-emphasis Level"),
    F(1, 1, "EQ_COMPL", "Equalization Complete"),
    F(2, 1, "EQ_PH1", "Equalization Phase 1 Successful"),
    F(3, 1, "EQ_PH2", "Equalization Phase 2 Successful"),
    F(4, 1, "EQ_PH3", "Equalization Phase 3 Successful"),
    F(5, 1, "LINK_EQ_REQ", "Link Equalization Request"),
    END,
};

static const vmc_pci_reg cap_exp[] = {
    CAP_HEADER,
    { 0x02, 2, "EXP_FLAGS", "PCI Express Capabilities", exp_flags_f },
    { 0x04, 4, "DEVCAP", "Device Capabilities", devcap_f },
    { 0x08, 2, "DEVCTL", "Device Control", devctl_f },
    { 0x0a, 2, "DEVSTA", "Device Status", devsta_f },
    { 0x0c, 4, "LNKCAP", "Link Capabilities", lnkcap_f },
    { 0x10, 2, "LNKCTL", "Link Control", lnkctl_f },
    { 0x12, 2, "LNKSTA", "Link Status", lnksta_f },
    { 0x14, 4, "SLTCAP", "Slot Capabilities", sltcap_f },
    { 0x18, 2, "SLTCTL", "Slot Control", sltctl_f },
    { 0x1a, 2, "SLTSTA", "Slot Status", sltsta_f },
    { 0x1c, 2, "RTCTL", "Root Control", rtctl_f },
    { 0x1e, 2, "RTCAP", "Root Capabilities", rtcap_f },
    { 0x20, 4, "RTSTA", "Root Status", rtsta_f },
    { 0x24, 4, "DEVCAP2", "Device Capabilities 2", devcap2_f },
    { 0x28, 2, "DEVCTL2", "Device Control 2", devctl2_f },
    { 0x2a, 2, "DEVSTA2", "Device Status 2", NULL },
    { 0x2c, 4, "LNKCAP2", "Link Capabilities 2", lnkcap2_f },
    { 0x30, 2, "LNKCTL2", "Link Control 2", lnkctl2_f },
    { 0x32, 2, "LNKSTA2", "Link Status 2", lnksta2_f },
    { 0x34, 4, "SLTCAP2", "Slot Capabilities 2", NULL },
    { 0x38, 2, "SLTCTL2", "Slot Control 2", NULL },
    { 0x3a, 2, "SLTSTA2", "Slot Status 2", NULL },
    { 0 },
};

/* Vendor-specific capability as virtio-pci lays it out (struct virtio_pci_cap). */
static const vmc_pci_reg cap_virtio[] = {
    CAP_HEADER,
    { 0x02, 1, "VNDR_LEN", "Capability Length", NULL },
    { 0x03, 1, "VIRTIO_CFG_TYPE", "virtio cfg_type", NULL },
    { 0x04, 1, "VIRTIO_BAR", "virtio bar", NULL },
    { 0x05, 1, "VIRTIO_ID", "virtio id", NULL },
    { 0x08, 4, "VIRTIO_OFFSET", "virtio offset", NULL },
    { 0x0c, 4, "VIRTIO_LENGTH", "virtio length", NULL },
    { 0x10, 4, "VIRTIO_NOTIFY_MULT", "virtio notify_off_multiplier", NULL },
    { 0 },
};

static const vmc_pci_reg cap_vndr[] = {
    CAP_HEADER,
    { 0x02, 1, "VNDR_LEN", "Capability Length", NULL },
    { 0 },
};

static const vmc_pci_reg cap_ssvid[] = {
    CAP_HEADER,
    { 0x04, 2, "SSVID_VENDOR_ID", "Subsystem Vendor ID", NULL },
    { 0x06, 2, "SSVID_DEVICE_ID", "Subsystem ID", NULL },
    { 0 },
};

static const vmc_pci_reg cap_generic[] = {
    CAP_HEADER,
    { 0 },
};

typedef struct cap_kind {
    unsigned id;
    const char *name, *prefix;
    const vmc_pci_reg *regs;
    unsigned len;               /* bytes; 0 = from the structure */
} cap_kind;

static const cap_kind std_caps[] = {
    { 0x01, "Power Management", "PM", cap_pm, 8 },
    { 0x02, "AGP", "AGP", cap_generic, 2 },
    { 0x03, "Vital Product Data", "VPD", cap_generic, 8 },
    { 0x04, "Slot Identification", "SLOTID", cap_generic, 4 },
    { 0x05, "MSI", "MSI", NULL, 0 },
    { 0x06, "CompactPCI Hot Swap", "CHSWP", cap_generic, 4 },
    { 0x07, "PCI-X", "PCI-X", cap_generic, 8 },
    { 0x08, "HyperTransport", "HT", cap_generic, 4 },
    { 0x09, "Vendor Specific", "Vendor", NULL, 0 },
    { 0x0a, "Debug Port", "DBG", cap_generic, 4 },
    { 0x0b, "CompactPCI Central Resource Control", "CCRC", cap_generic, 4 },
    { 0x0c, "PCI Standard Hot-Plug Controller", "SHPC", cap_generic, 8 },
    { 0x0d, "Bridge Subsystem Vendor ID", "SSVID", cap_ssvid, 8 },
    { 0x0e, "AGP 8x", "AGP3", cap_generic, 2 },
    { 0x0f, "Secure Device", "SECDEV", cap_generic, 2 },
    { 0x10, "PCI Express", "PCIe", cap_exp, 0x3c },
    { 0x11, "MSI-X", "MSI-X", cap_msix, 12 },
    { 0x12, "SATA", "SATA", cap_generic, 8 },
    { 0x13, "Advanced Features", "AF", cap_generic, 6 },
    { 0x14, "Enhanced Allocation", "EA", cap_generic, 4 },
    { 0x15, "Flattening Portal Bridge", "FPB", cap_generic, 4 },
};

/* ---- extended capabilities -------------------------------------------------------- */

#define EXT_HEADER { 0x00, 4, "EXT_CAP_HEADER", "Extended Capability Header", ext_hdr_f }

static const vmc_pci_field ext_hdr_f[] = {
    F(0, 16, "ID", "Capability ID"),
    F(16, 4, "VER", "Capability Version"),
    F(20, 12, "NEXT", "Next Capability Offset"),
    END,
};

static const vmc_pci_field aer_unc_f[] = {
    F(0, 1, "UND", "Undefined"),
    F(4, 1, "DLP", "Data Link Protocol Error"),
    F(5, 1, "SURPDN", "Surprise Down Error"),
    F(12, 1, "POISON_TLP", "Poisoned TLP"),
    F(13, 1, "FCP", "Flow Control Protocol Error"),
    F(14, 1, "COMP_TIME", "Completion Timeout"),
    F(15, 1, "COMP_ABORT", "Completer Abort"),
    F(16, 1, "UNX_COMP", "Unexpected Completion"),
    F(17, 1, "RX_OVER", "Receiver Overflow"),
    F(18, 1, "MALF_TLP", "Malformed TLP"),
    F(19, 1, "ECRC", "ECRC Error"),
    F(20, 1, "UNSUP", "Unsupported Request Error"),
    F(21, 1, "ACSV", "ACS Violation"),
    F(22, 1, "INTN", "Uncorrectable Internal Error"),
    F(23, 1, "MCBTLP", "MC Blocked TLP"),
    F(24, 1, "ATOMEG", "AtomicOp Egress Blocked"),
    F(25, 1, "TLPPRE", "TLP Prefix Blocked Error"),
    END,
};

static const vmc_pci_field aer_cor_f[] = {
    F(0, 1, "RCVR", "Receiver Error"),
    F(6, 1, "BAD_TLP", "Bad TLP"),
    F(7, 1, "BAD_DLLP", "Bad DLLP"),
    F(8, 1, "REP_ROLL", "REPLAY_NUM Rollover"),
    F(12, 1, "REP_TIMER", "Replay Timer Timeout"),
    F(13, 1, "ADV_NFAT", "Advisory Non-Fatal Error"),
    F(14, 1, "INTERNAL", "Corrected Internal Error"),
    F(15, 1, "LOG_OVER", "Header Log Overflow"),
    END,
};

static const vmc_pci_field aer_cap_f[] = {
    F(0, 5, "FEP", "First Error Pointer"),
    F(5, 1, "ECRC_GENC", "ECRC Generation Capable"),
    F(6, 1, "ECRC_GENE", "ECRC Generation Enable"),
    F(7, 1, "ECRC_CHKC", "ECRC Check Capable"),
    F(8, 1, "ECRC_CHKE", "ECRC Check Enable"),
    F(9, 1, "MHRC", "Multiple Header Recording Capable"),
    F(10, 1, "MHRE", "Multiple Header Recording Enable"),
    F(11, 1, "TLPPL", "TLP Prefix Log Present"),
    END,
};

static const vmc_pci_field aer_rtcmd_f[] = {
    F(0, 1, "COR_EN", "Correctable Error Reporting Enable"),
    F(1, 1, "NONFATAL_EN", "Non-Fatal Error Reporting Enable"),
    F(2, 1, "FATAL_EN", "Fatal Error Reporting Enable"),
    END,
};

static const vmc_pci_field aer_rtsta_f[] = {
    F(0, 1, "COR_RCV", "ERR_COR Received"),
    F(1, 1, "MULTI_COR_RCV", "Multiple ERR_COR Received"),
    F(2, 1, "UNCOR_RCV", "ERR_FATAL/NONFATAL Received"),
    F(3, 1, "MULTI_UNCOR_RCV", "Multiple ERR_FATAL/NONFATAL Received"),
    F(4, 1, "FIRST_FATAL", "First Uncorrectable Fatal"),
    F(5, 1, "NONFATAL_RCV", "Non-Fatal Error Messages Received"),
    F(6, 1, "FATAL_RCV", "Fatal Error Messages Received"),
    F(27, 5, "MSG_NUM", "Advanced Error Interrupt Message Number"),
    END,
};

static const vmc_pci_field aer_srcid_f[] = {
    F(0, 16, "COR_SRC", "ERR_COR Source Identification"),
    F(16, 16, "UNCOR_SRC", "ERR_FATAL/NONFATAL Source Identification"),
    END,
};

static const vmc_pci_reg ext_aer[] = {
    EXT_HEADER,
    { 0x04, 4, "ERR_UNCOR_STATUS", "Uncorrectable Error Status", aer_unc_f },
    { 0x08, 4, "ERR_UNCOR_MASK", "Uncorrectable Error Mask", aer_unc_f },
    { 0x0c, 4, "ERR_UNCOR_SEVER", "Uncorrectable Error Severity", aer_unc_f },
    { 0x10, 4, "ERR_COR_STATUS", "Correctable Error Status", aer_cor_f },
    { 0x14, 4, "ERR_COR_MASK", "Correctable Error Mask", aer_cor_f },
    { 0x18, 4, "ERR_CAP", "Advanced Error Capabilities and Control", aer_cap_f },
    { 0x1c, 16, "ERR_HEADER_LOG", "Header Log", NULL },
    { 0x2c, 4, "ERR_ROOT_COMMAND", "Root Error Command", aer_rtcmd_f },
    { 0x30, 4, "ERR_ROOT_STATUS", "Root Error Status", aer_rtsta_f },
    { 0x34, 4, "ERR_ROOT_ERR_SRC", "Error Source Identification", aer_srcid_f },
    { 0x38, 16, "ERR_TLP_PREFIX_LOG", "TLP Prefix Log", NULL },
    { 0 },
};

static const vmc_pci_field ari_cap_f[] = {
    F(0, 1, "MFVC", "MFVC Function Groups Capability"),
    F(1, 1, "ACS", "ACS Function Groups Capability"),
    F(8, 8, "NFN", "Next Function Number"),
    END,
};

static const vmc_pci_field ari_ctrl_f[] = {
    F(0, 1, "MFVC", "MFVC Function Groups Enable"),
    F(1, 1, "ACS", "ACS Function Groups Enable"),
    F(4, 3, "FG", "Function Group"),
    END,
};

static const vmc_pci_reg ext_ari[] = {
    EXT_HEADER,
    { 0x04, 2, "ARI_CAP", "ARI Capability", ari_cap_f },
    { 0x06, 2, "ARI_CTRL", "ARI Control", ari_ctrl_f },
    { 0 },
};

static const vmc_pci_field acs_f[] = {
    F(0, 1, "SV", "Source Validation"),
    F(1, 1, "TB", "Translation Blocking"),
    F(2, 1, "RR", "P2P Request Redirect"),
    F(3, 1, "CR", "P2P Completion Redirect"),
    F(4, 1, "UF", "Upstream Forwarding"),
    F(5, 1, "EC", "P2P Egress Control"),
    F(6, 1, "DT", "Direct Translated P2P"),
    END,
};

static const vmc_pci_field acs_cap_f[] = {
    F(0, 1, "SV", "Source Validation"),
    F(1, 1, "TB", "Translation Blocking"),
    F(2, 1, "RR", "P2P Request Redirect"),
    F(3, 1, "CR", "P2P Completion Redirect"),
    F(4, 1, "UF", "Upstream Forwarding"),
    F(5, 1, "EC", "P2P Egress Control"),
    F(6, 1, "DT", "Direct Translated P2P"),
    F(8, 8, "EGRESS_BITS", "Egress Control Vector Size"),
    END,
};

static const vmc_pci_reg ext_acs[] = {
    EXT_HEADER,
    { 0x04, 2, "ACS_CAP", "ACS Capability", acs_cap_f },
    { 0x06, 2, "ACS_CTRL", "ACS Control", acs_f },
    { 0x08, 4, "ACS_EGRESS_CTL", "Egress Control Vector", NULL },
    { 0 },
};

static const vmc_pci_field sriov_cap_f[] = {
    F(0, 1, "VFM", "VF Migration Capable"),
    F(1, 1, "ARI_PRESERVED", "ARI Capable Hierarchy Preserved"),
    F(21, 11, "INTR", "VF Migration Interrupt Message Number"),
    END,
};

static const vmc_pci_field sriov_ctrl_f[] = {
    F(0, 1, "VFE", "VF Enable"),
    F(1, 1, "VFM", "VF Migration Enable"),
    F(2, 1, "INTR", "VF Migration Interrupt Enable"),
    F(3, 1, "MSE", "VF Memory Space Enable"),
    F(4, 1, "ARI", "ARI Capable Hierarchy"),
    END,
};

static const vmc_pci_field sriov_status_f[] = {
    F(0, 1, "VFM", "VF Migration Status"),
    END,
};

static const vmc_pci_reg ext_sriov[] = {
    EXT_HEADER,
    { 0x04, 4, "SRIOV_CAP", "SR-IOV Capabilities", sriov_cap_f },
    { 0x08, 2, "SRIOV_CTRL", "SR-IOV Control", sriov_ctrl_f },
    { 0x0a, 2, "SRIOV_STATUS", "SR-IOV Status", sriov_status_f },
    { 0x0c, 2, "SRIOV_INITIAL_VF", "InitialVFs", NULL },
    { 0x0e, 2, "SRIOV_TOTAL_VF", "TotalVFs", NULL },
    { 0x10, 2, "SRIOV_NUM_VF", "NumVFs", NULL },
    { 0x12, 1, "SRIOV_FUNC_LINK", "Function Dependency Link", NULL },
    { 0x14, 2, "SRIOV_VF_OFFSET", "First VF Offset", NULL },
    { 0x16, 2, "SRIOV_VF_STRIDE", "VF Stride", NULL },
    { 0x1a, 2, "SRIOV_VF_DID", "VF Device ID", NULL },
    { 0x1c, 4, "SRIOV_SUP_PGSIZE", "Supported Page Sizes", NULL },
    { 0x20, 4, "SRIOV_SYS_PGSIZE", "System Page Size", NULL },
    { 0x24, 4, "SRIOV_BAR0", "VF BAR0", bar_mem_f },
    { 0x28, 4, "SRIOV_BAR1", "VF BAR1", bar_mem_f },
    { 0x2c, 4, "SRIOV_BAR2", "VF BAR2", bar_mem_f },
    { 0x30, 4, "SRIOV_BAR3", "VF BAR3", bar_mem_f },
    { 0x34, 4, "SRIOV_BAR4", "VF BAR4", bar_mem_f },
    { 0x38, 4, "SRIOV_BAR5", "VF BAR5", bar_mem_f },
    { 0x3c, 4, "SRIOV_VFM", "VF Migration State Array Offset", NULL },
    { 0 },
};

static const vmc_pci_field ats_cap_f[] = {
    F(0, 5, "QDEP", "Invalidate Queue Depth"),
    F(5, 1, "PAGE_ALIGNED", "Page Aligned Request"),
    F(6, 1, "GLOBAL_INV", "Global Invalidate Supported"),
    END,
};

static const vmc_pci_field ats_ctrl_f[] = {
    F(0, 5, "STU", "Smallest Translation Unit"),
    F(15, 1, "ENABLE", "Enable"),
    END,
};

static const vmc_pci_reg ext_ats[] = {
    EXT_HEADER,
    { 0x04, 2, "ATS_CAP", "ATS Capability", ats_cap_f },
    { 0x06, 2, "ATS_CTRL", "ATS Control", ats_ctrl_f },
    { 0 },
};

static const vmc_pci_reg ext_dsn[] = {
    EXT_HEADER,
    { 0x04, 4, "DSN_LO", "Serial Number (low)", NULL },
    { 0x08, 4, "DSN_HI", "Serial Number (high)", NULL },
    { 0 },
};

static const vmc_pci_reg ext_generic[] = {
    EXT_HEADER,
    { 0 },
};

static const cap_kind ext_caps[] = {
    { 0x0001, "Advanced Error Reporting", "AER", ext_aer, 0x48 },
    { 0x0002, "Virtual Channel", "VC", ext_generic, 0 },
    { 0x0003, "Device Serial Number", "DSN", ext_dsn, 12 },
    { 0x0004, "Power Budgeting", "PWR", ext_generic, 16 },
    { 0x0005, "Root Complex Link Declaration", "RCLD", ext_generic, 0 },
    { 0x000b, "Vendor-Specific Extended", "VSEC", ext_generic, 0 },
    { 0x000d, "Access Control Services", "ACS", ext_acs, 12 },
    { 0x000e, "Alternative Routing-ID Interpretation", "ARI", ext_ari, 8 },
    { 0x000f, "Address Translation Services", "ATS", ext_ats, 8 },
    { 0x0010, "Single Root I/O Virtualization", "SR-IOV", ext_sriov, 0x40 },
    { 0x0013, "Page Request Interface", "PRI", ext_generic, 16 },
    { 0x0015, "Resizable BAR", "REBAR", ext_generic, 0 },
    { 0x0017, "TPH Requester", "TPH", ext_generic, 0 },
    { 0x0018, "Latency Tolerance Reporting", "LTR", ext_generic, 8 },
    { 0x0019, "Secondary PCI Express", "SECPCI", ext_generic, 0 },
    { 0x001b, "Process Address Space ID", "PASID", ext_generic, 8 },
    { 0x001e, "L1 PM Substates", "L1SS", ext_generic, 16 },
    { 0x0023, "Designated Vendor-Specific", "DVSEC", ext_generic, 0 },
};

/* ---- lookup ----------------------------------------------------------------------- */

static const vmc_pci_reg *find_reg(const vmc_pci_reg *regs, unsigned rel)
{
    for (const vmc_pci_reg *r = regs; r && r->size; r++) {
        if (rel >= r->off && rel < (unsigned)r->off + r->size) {
            return r;
        }
    }
    return NULL;
}

static const cap_kind *std_kind(unsigned id)
{
    for (size_t i = 0; i < sizeof(std_caps) / sizeof(std_caps[0]); i++) {
        if (std_caps[i].id == id) {
            return &std_caps[i];
        }
    }
    return NULL;
}

static const cap_kind *ext_kind(unsigned id)
{
    for (size_t i = 0; i < sizeof(ext_caps) / sizeof(ext_caps[0]); i++) {
        if (ext_caps[i].id == id) {
            return &ext_caps[i];
        }
    }
    return NULL;
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Registers and length of a standard capability at cap. */
static const vmc_pci_reg *std_layout(const uint8_t *cfg, size_t size, unsigned cap,
                                     const cap_kind *k, unsigned *len, const char **name)
{
    *name = k->name;
    if (k->id == 0x05) {   /* MSI: 64-bit address and per-vector masking decide the layout */
        uint16_t flags = le16(cfg + cap + 2);
        bool is64 = flags & 0x80, pvm = flags & 0x100;
        *len = is64 ? (pvm ? 24 : 14) : (pvm ? 20 : 10);
        return is64 ? cap_msi64 : cap_msi32;
    }
    if (k->id == 0x09) {   /* vendor specific: length at +2 */
        *len = cfg[cap + 2] < 3 ? 3 : cfg[cap + 2];
        /* virtio-pci's structures (Red Hat / virtio vendor 0x1af4, cap length >= 16) */
        if (le16(cfg) == 0x1af4 && *len >= 16) {
            *name = "Vendor Specific (virtio)";
            return cap_virtio;
        }
        return cap_vndr;
    }
    (void)size;
    *len = k->len;
    return k->regs;
}

static void set_reg(vmc_pci_where *w, const vmc_pci_reg *r, unsigned base)
{
    w->reg = r;
    w->reg_offset = base + r->off;
    w->reg_size = r->size;
    w->reg_name = r->name;
}

void vmc_pci_regs_locate(const uint8_t *cfg, size_t size, unsigned off, vmc_pci_where *w)
{
    memset(w, 0, sizeof(*w));
    w->cap_offset = -1;
    w->reg_offset = off;
    w->reg_size = 1;
    w->reg_name = "device-specific";
    if (size < 64 || off >= size) {
        w->reg_name = "outside config space";
        return;
    }
    if (off < 0x40) {
        unsigned layout = cfg[0x0e] & 0x7f;
        const vmc_pci_reg *r = find_reg(layout == 1 ? header1 : header0, off);
        if (r) {
            set_reg(w, r, 0);
        } else {
            w->reg_name = "Reserved";
        }
        return;
    }
    if (off < 0x100) {
        if (!(le16(cfg + 6) & 0x10)) {
            return;   /* no capability list */
        }
        unsigned p = cfg[0x34] & 0xfc;
        uint8_t seen[256] = { 0 };
        for (int n = 0; p >= 0x40 && p < 0x100 && n < 48 && !seen[p]; n++) {
            seen[p] = 1;
            const cap_kind *k = std_kind(cfg[p]);
            unsigned len;
            const char *name;
            const vmc_pci_reg *regs = k ? std_layout(cfg, size, p, k, &len, &name) : NULL;
            if (!k) {
                len = 2;
                name = NULL;
            }
            if (off >= p && off < p + len) {
                w->cap_offset = (int)p;
                if (k) {
                    w->capability = name;
                    w->prefix = k->prefix;
                } else {
                    snprintf(w->buf, sizeof(w->buf), "capability 0x%02x", cfg[p]);
                    w->capability = w->buf;
                    w->prefix = w->buf;
                }
                const vmc_pci_reg *r = find_reg(regs ? regs : cap_generic, off - p);
                if (r) {
                    set_reg(w, r, p);
                } else {
                    w->reg_name = "capability-specific";
                }
                return;
            }
            p = cfg[p + 1] & 0xfc;
        }
        return;
    }
    /* extended capabilities */
    if (size < 0x1000) {
        return;
    }
    unsigned p = 0x100;
    for (int n = 0; p >= 0x100 && p + 4 <= size && n < 960; n++) {
        uint32_t h = le32(cfg + p);
        if (h == 0 || h == 0xffffffff) {
            return;
        }
        const cap_kind *k = ext_kind(h & 0xffff);
        unsigned len = k && k->len ? k->len : 4;
        unsigned next = (h >> 20) & 0xffc;
        if (k && !k->len) {
            /* unknown length: up to the next capability (or 4 bytes) */
            len = next > p ? next - p : 4;
        }
        if (off >= p && off < p + len) {
            w->cap_offset = (int)p;
            w->extended = true;
            if (k) {
                w->capability = k->name;
                w->prefix = k->prefix;
            } else {
                snprintf(w->buf, sizeof(w->buf), "extended capability 0x%04x", h & 0xffff);
                w->capability = w->buf;
                w->prefix = w->buf;
            }
            const vmc_pci_reg *r = find_reg(k ? k->regs : ext_generic, off - p);
            if (r) {
                set_reg(w, r, p);
            } else {
                w->reg_name = "capability-specific";
            }
            return;
        }
        if (next <= p) {
            return;   /* end of list (or a loop) */
        }
        p = next;
    }
}

void vmc_pci_regs_bit(const vmc_pci_where *w, unsigned off, unsigned bit, uint8_t value,
                      char *name, size_t name_len, const char **desc)
{
    *desc = "";
    if (!w->reg) {
        snprintf(name, name_len, "config[0x%02x] bit %u", off, bit);
        return;
    }
    unsigned rb = (off - w->reg_offset) * 8 + bit;
    const vmc_pci_field *fields = w->reg->fields;
    if (fields == bar_mem_f && off == w->reg_offset && (value & 1)) {
        fields = bar_io_f;   /* the space indicator is in the BAR's first byte */
    }
    for (const vmc_pci_field *f = fields; f && f->name; f++) {
        if (rb >= f->lo && rb < (unsigned)f->lo + f->width) {
            if (f->width == 1) {
                snprintf(name, name_len, "%s_%s", w->reg->abbr, f->name);
            } else {
                snprintf(name, name_len, "%s_%s[%u]", w->reg->abbr, f->name, rb - f->lo);
            }
            *desc = f->desc;
            return;
        }
    }
    if (fields) {
        snprintf(name, name_len, "%s bit %u", w->reg->abbr, rb);
        *desc = "reserved";
    } else {
        snprintf(name, name_len, "%s[%u]", w->reg->abbr, rb);   /* a plain value */
        *desc = w->reg->name;
    }
}

void vmc_pci_regs_location(const vmc_pci_where *w, unsigned off, char *buf, size_t len)
{
    char byte[24] = "";
    if (off != w->reg_offset) {
        snprintf(byte, sizeof(byte), "byte %u of ", off - w->reg_offset);
    }
    if (w->cap_offset < 0) {
        snprintf(buf, len, "%s%s @0x%02x", byte, w->reg_name, w->reg_offset);
    } else {
        snprintf(buf, len, "%s%s %s @0x%02x (cap 0x%02x + 0x%02x)", byte, w->prefix, w->reg_name,
                 w->reg_offset, (unsigned)w->cap_offset, w->reg_offset - (unsigned)w->cap_offset);
    }
}
