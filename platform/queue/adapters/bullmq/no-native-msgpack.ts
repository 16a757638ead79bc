// BullMQ encodes with msgpackr, which loads the optional native `msgpackr-extract` addon when it
// is installed. The project runs no native addons (they are built for another Node here), so the
// pure-JS path is forced before BullMQ is imported. Imported first by the adapter for that reason.
process.env.MSGPACKR_NATIVE_ACCELERATION_DISABLED = 'true';
