// The core runs in Node, Electron main and the renderer; these web-standard globals exist in all
// three. Declared here (rather than pulling in the DOM lib) so the core cannot use anything else.
declare class TextEncoder { encode(input?: string): Uint8Array }
declare class TextDecoder { constructor(label?: string, options?: { fatal?: boolean }); decode(input?: Uint8Array): string }
declare function atob(data: string): string;
declare function btoa(data: string): string;
