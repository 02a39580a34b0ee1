// SPDX-License-Identifier: Apache-2.0
// Replaced by the main window and its models.
namespace switchyard::ui { int placeholder() { return 0; } }
