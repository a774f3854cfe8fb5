/** Instance-wide key/value settings. Part of `Database`. */
export interface SettingsTables {
  instance_settings: InstanceSettingsTable;
}

export interface InstanceSettingsTable {
  key: string;
  value: string;
}
