/** Version of this SDK. A plugin's manifest `sdk` range must include it for the host to load the plugin. */
export const SDK_VERSION = '1.0.0';
