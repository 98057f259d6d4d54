/** The folder of the built dashboard (index.html and hashed assets/), absolute. */
export declare const dashboardAssetsDir: string;
