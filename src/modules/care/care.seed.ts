export async function seedCare() {}
